import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { CLI_ENTRY } from "./cli-build.js";

const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `readlog` CLI (src/main.ts, transpiled once per run by the global setup) with its own config folder (`home`), so a
 * developer's own login never leaks in; READLOG_SERVER/READLOG_TOKEN are unset unless `env` sets them.
 * Resolves with the exit code and everything written to stdout and stderr.
 */
export function runReadlog(
  args: string[],
  opts: { home: string; env?: Record<string, string>; stdin?: string },
): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: opts.home, ...opts.env };
  if (!opts.env?.READLOG_SERVER) delete env.READLOG_SERVER;
  if (!opts.env?.READLOG_TOKEN) delete env.READLOG_TOKEN;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.stdin.end(opts.stdin ?? "");
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
