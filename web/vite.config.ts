import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { bootScript } from "./vite-plugins/boot-script.ts";

// `npm run dev` serves the app with hot reload and forwards the API to a running `readlog serve`.
const api = process.env.READLOG_API_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  plugins: [react(), bootScript()],
  server: {
    port: 5173,
    proxy: {
      "/api": { target: api, changeOrigin: false },
      "/socket.io": { target: api, changeOrigin: false, ws: true },
    },
  },
  build: {
    outDir: "dist",
    assetsDir: "assets",
    // The served CSP forbids inline script; keep every module a file (no data: URLs for scripts).
    assetsInlineLimit: 0,
    sourcemap: false,
    target: "es2022",
  },
});
