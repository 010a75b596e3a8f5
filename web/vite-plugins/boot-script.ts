import { fileURLToPath } from "node:url";
import type { Plugin } from "vite";

const BOOT = fileURLToPath(new URL("../src/boot.ts", import.meta.url));

/**
 * Builds src/boot.ts as an entry of its own and names it in index.html (async) before the app's script, so
 * the browser runs it as soon as its few modules are here, before the app's (React, the router, Today) has
 * been parsed and run. In `npm run dev` the app's script imports it first instead.
 */
export function bootScript(): Plugin {
  return {
    name: "readlog:boot-script",
    apply: "build",
    config: () => ({
      build: {
        rolldownOptions: {
          input: { index: fileURLToPath(new URL("../index.html", import.meta.url)), boot: BOOT },
        },
      },
    }),
    transformIndexHtml: {
      order: "post",
      handler(html, ctx) {
        const boot = Object.values(ctx.bundle ?? {}).find(
          (c) => c.type === "chunk" && c.isEntry && c.facadeModuleId === BOOT,
        );
        if (!boot) throw new Error("boot-script: src/boot.ts was not built");
        // Right before the app's script, and `async`: it runs as soon as its modules are here, without
        // waiting (as the app's deferred script does) for the stylesheet or the end of parsing. The app's
        // script imports it too, so it runs once, before the app, whichever arrives first.
        const app = html.indexOf('<script type="module"');
        if (app < 0) throw new Error("boot-script: index.html has no module script");
        const tag = `<script type="module" async crossorigin src="/${boot.fileName}"></script>\n    `;
        return html.slice(0, app) + tag + html.slice(app);
      },
    },
  };
}
