import { readdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Where the tests' copy of the CLI is built: beside `dist/`, at the same depth, so paths the sources
 * resolve from their own location (the web app's `web/dist/`, `node_modules`) resolve the same way.
 */
export const TEST_DIST = join(PROJECT_ROOT, ".test-dist");
/** The transpiled `src/main.ts`: what `node` runs as `readlog` in the tests. */
export const CLI_ENTRY = join(TEST_DIST, "main.js");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.ts$/.test(e.name) && !/\.(test|test-helpers)\.ts$/.test(e.name) && !e.name.endsWith(".d.ts")
      ? [path]
      : [];
  });
}

/**
 * Transpiles `src/` file by file (no bundling, no type check: `npm run typecheck` does that) so the CLI
 * suites spawn plain `node` on JavaScript instead of compiling TypeScript in every child process. Takes
 * well under a second; run once per `vitest run` by the global setup, so the copy is never stale.
 */
export async function buildCliForTests(): Promise<string> {
  const src = join(PROJECT_ROOT, "src");
  rmSync(TEST_DIST, { recursive: true, force: true });
  await build({
    entryPoints: sources(src).map((p) => relative(PROJECT_ROOT, p)),
    absWorkingDir: PROJECT_ROOT,
    outdir: TEST_DIST,
    outbase: "src",
    format: "esm",
    platform: "node",
    target: "node20",
    bundle: false,
    sourcemap: "inline",
    logLevel: "error",
  });
  return CLI_ENTRY;
}
