// `npm run dev`: the API (tsx watch, on PORT or 3000) and the web app's Vite dev server (hot reload, on
// 5173, /api proxied to the API) together; Ctrl-C stops both.
import { spawn } from "node:child_process";

const children = [
  spawn("npx", ["tsx", "watch", "src/main.ts", "serve"], { stdio: "inherit" }),
  spawn("npm", ["--prefix", "web", "run", "dev"], {
    stdio: "inherit",
    env: { ...process.env, READLOG_API_URL: `http://127.0.0.1:${process.env.PORT ?? 3000}` },
  }),
];
const stop = () => {
  for (const c of children) c.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
for (const c of children)
  c.on("exit", (code) => {
    stop();
    process.exitCode = code ?? 0;
  });
