// `npm run build:web` (and so `npm install`, through prepare): installs web/'s own dependencies when they
// are missing or older than its lock file, then builds the app into web/dist (hashed, precompressed files).
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, statSync } from "node:fs";

const web = new URL("../web/", import.meta.url);
const lock = new URL("package-lock.json", web);
const installed = new URL("node_modules/.package-lock.json", web);

function run(args) {
  const r = spawnSync("npm", args, { cwd: web, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// A web/node_modules that is a link belongs to another checkout (a worktree sharing it): never reinstall it.
const modules = new URL("node_modules", web);
const linked = existsSync(modules) && lstatSync(modules).isSymbolicLink();
if (!linked && (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs)) {
  run(["ci", "--no-audit", "--no-fund"]);
}
run(["run", "build"]);
