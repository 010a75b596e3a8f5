import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI_ENTRY } from "../support/cli-build.js";

/** The real `readlog` entry point as a child process, as `npm start` runs it (src/main.ts, transpiled once per test run). */
function readlog(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [CLI_ENTRY, ...args], {
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => {
    stdout += d;
  });
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function waitForHealth(port: number, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("server did not become healthy");
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("the readlog process", () => {
  it("refuses to boot on bad configuration with one clear line and exit code 78", async () => {
    const r = await exited(readlog(["serve"], { DATABASE_URL: "mysql://localhost/x" }));
    expect(r.code).toBe(78);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain('DATABASE_URL: unsupported scheme "mysql"');
  });

  it("answers --help and exits 2 on an unknown command", async () => {
    const help = await exited(readlog(["--help"], {}));
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("serve");
    expect(help.stdout).toContain("migrate");
    expect((await exited(readlog(["frobnicate"], {}))).code).toBe(2);
  });

  it("migrates a fresh data folder, serves, and drains an in-flight request on SIGTERM", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "readlog-proc-"));
    dirs.push(dataDir);
    const port = await freePort();
    const child = readlog(["serve"], { DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1" });
    const done = exited(child);
    await waitForHealth(port);
    expect(existsSync(path.join(dataDir, "readlog.db"))).toBe(true);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);

    // Start a request whose body is still arriving, then ask the server to stop.
    const body = JSON.stringify({ email: "late@example.com", password: "a long enough password" });
    const socket = net.connect(port, "127.0.0.1");
    await new Promise((r) => socket.once("connect", r));
    let response = "";
    socket.on("data", (d) => {
      response += d;
    });
    socket.write(
      `POST /api/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((r) => setTimeout(r, 200));
    child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    socket.write(body.slice(10));
    const r = await done;
    socket.destroy();
    expect(response).toMatch(/^HTTP\/1\.1 202/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("stopped cleanly");
  });
});
