import { type ChildProcess, spawn } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import net from "node:net";

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Polls `url` until it answers 200; returns the milliseconds waited. */
export async function waitFor200(url: string, timeoutMs = 30_000): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    try {
      if ((await fetch(url)).status === 200) return performance.now() - start;
    } catch {}
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/** Resident set size of a process in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Math.round((Number(kb) / 1024) * 10) / 10;
}

/**
 * Starts `node <args>` with the given environment. With `logFile`, its stdout (the server's log) is kept
 * there instead of dropped, so a server that dies during a bench says why. `BENCH_NODE_ARGS` (e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof`, which NODE_OPTIONS refuses) goes before `args`, to profile it.
 */
export function startNode(args: string[], env: Record<string, string>, logFile?: string): ChildProcess {
  const extra = (process.env.BENCH_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
  return spawn(process.execPath, [...extra, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", logFile ? openSync(logFile, "a") : "ignore", "inherit"],
  });
}

/**
 * Rejects as soon as `child` exits (with its exit code or signal and the end of its log), so a bench whose
 * server died stops with the reason instead of "connection refused" later.
 */
export function exitWatch(child: ChildProcess, logFile?: string): { died: Promise<never>; off(): void } {
  let onExit: (code: number | null, signal: string | null) => void = () => {};
  const died = new Promise<never>((_, reject) => {
    onExit = (code, signal) => {
      const tail = logFile ? readFileSync(logFile, "utf8").split("\n").slice(-20).join("\n") : "";
      reject(new Error(`the server exited during the bench (code ${code}, signal ${signal})\n${tail}`));
    };
    child.once("exit", onExit);
  });
  died.catch(() => {});
  return { died, off: () => child.off("exit", onExit) };
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const done = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await done;
}

/** The node arguments of `npm start` (its flags included), so a bench runs the server exactly as users do. */
export function npmStartArgs(): string[] {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  const [node, ...args] = String(pkg.scripts.start).split(/\s+/);
  if (node !== "node") throw new Error(`unexpected start script: ${pkg.scripts.start}`);
  return args;
}

/** Registers the first (admin) account on a fresh server and returns a Bearer token with `scopes`. */
export async function firstUserToken(base: string, scopes: string[]): Promise<string> {
  const creds = { email: "bench@example.com", password: "bench password 1234" };
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(base + url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  await post("/api/auth/register", creds);
  const login = await post("/api/auth/login", creds);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const created = await post("/api/tokens", { name: "bench", scopes }, { cookie, "x-csrf-token": csrfToken });
  return ((await created.json()) as { token: string }).token;
}

/** Peak RSS (MB) of process `pid` while `fn` runs, sampled every 10 ms. */
export async function peakRssDuring<T>(
  pid: number,
  fn: () => Promise<T>,
): Promise<{ result: T; peakRssMb: number }> {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(pid));
    } catch {}
  }, 10);
  try {
    const result = await fn();
    return { result, peakRssMb: Math.max(peak, rssMb(pid)) };
  } finally {
    clearInterval(timer);
  }
}
