// `npm run build:web` (and so `npm install`, through prepare): installs web/'s own dependencies when they
// are missing or older than its lock file, then builds the app into web/dist (hashed, precompressed files).
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

const web = new URL("../web/", import.meta.url);
const lock = new URL("package-lock.json", web);
const installed = new URL("node_modules/.package-lock.json", web);

function run(args) {
  const r = spawnSync("npm", args, { cwd: web, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  run(["ci", "--no-audit", "--no-fund"]);
}
run(["run", "build"]);
