import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assemble } from "../../src/app/assemble.js";
import { parseRoles } from "../../src/app/roles.js";
import { loadConfig } from "../../src/config.js";
import { actorOf } from "../../src/platform/access/actor.js";
import { newId } from "../../src/platform/ids.js";
import { FakeTelegramApi, TG } from "../fakes/telegram.js";
import { CLI_ENTRY } from "../support/cli-build.js";
import { openEditor } from "../support/collab.js";
import { refusedConnect } from "../support/realtime.js";

function readlog(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [CLI_ENTRY, ...args], {
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function exited(
  child: ChildProcess,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stderr })));
}

/** Resolves once the process logged that its roles are running (its signal handlers are installed). */
function started(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    let out = "";
    child.stdout?.on("data", (d) => {
      out += d;
      if (out.includes('"readlog started"')) resolve();
    });
  });
}

async function waitFor(ok: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("readlog serve --roles", () => {
  it("accepts known roles and refuses unknown or empty ones", () => {
    expect(parseRoles("api, worker,scheduler,api")).toEqual(["api", "worker", "scheduler"]);
    expect(() => parseRoles("api,mailer")).toThrow(/unknown role "mailer"/);
    expect(() => parseRoles(" , ")).toThrow(/at least one/);
  });

  it("runs the realtime role alone: Socket.IO on its port, nothing else", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "readlog-realtime-role-"));
    const port = String(20_000 + Math.floor(Math.random() * 20_000));
    const child = readlog(["serve", "--roles", "realtime"], { DATA_DIR: dir, PORT: port, HOST: "127.0.0.1" });
    const done = exited(child);
    try {
      await started(child);
      const url = `http://127.0.0.1:${port}`;
      const refused = await refusedConnect(url, {});
      expect(refused.data).toEqual({ status: 401, code: "unauthorized" });
      expect((await fetch(`${url}/api/health`)).status).toBe(404);
    } finally {
      child.kill("SIGTERM");
      expect((await done).code).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs the collab role alone: Hocuspocus on /collab, nothing else", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "readlog-collab-role-"));
    const port = String(20_000 + Math.floor(Math.random() * 20_000));
    const child = readlog(["serve", "--roles", "collab"], { DATA_DIR: dir, PORT: port, HOST: "127.0.0.1" });
    const done = exited(child);
    try {
      await started(child);
      const editor = await openEditor(
        `ws://127.0.0.1:${port}/collab`,
        "0190f000-0000-7000-8000-000000000000",
      );
      expect(editor.refused).toBe("unauthorized");
      editor.destroy();
      expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(404);
    } finally {
      child.kill("SIGTERM");
      expect((await done).code).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 with a clear message on an unknown role", async () => {
    const r = await exited(readlog(["serve", "--roles", "api,mailer"], {}));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown role "mailer"');
  });
});

describe("worker and scheduler processes without the api, on one SQLite file", () => {
  let dir: string;
  let telegram: FakeTelegramApi;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "readlog-roles-"));
    telegram = await new FakeTelegramApi().start();
    env = {
      DATA_DIR: dir,
      TELEGRAM_API_URL: telegram.url,
      TELEGRAM_BOT_TOKEN: TG.botToken,
      TELEGRAM_WEBHOOK_SECRET: TG.webhookSecret,
    };
  });
  afterAll(async () => {
    await telegram.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a reminder that fell due while nothing ran is sent once after start, and not again after kill -9 and restart", async () => {
    // Set up the database the way the api would have left it, with no process running.
    const app = await assemble(loadConfig({ ...env, LOG_LEVEL: "silent" }));
    const services = { ...app.services, db: app.database.db };
    const now = new Date();
    const ownerId = newId();
    await services.db
      .insertInto("users")
      .values({
        id: ownerId,
        email: "r@example.com",
        name: "R",
        password_hash: "x",
        role: "member",
        timezone: "UTC",
        created_at: now.toISOString(),
        disabled_at: null,
      })
      .execute();
    await services.db
      .insertInto("channel_links")
      .values({
        id: newId(),
        owner_id: ownerId,
        kind: "telegram",
        address: "777",
        user_key: null,
        display: null,
        verified_at: now.toISOString(),
        last_inbound_at: null,
      })
      .execute();
    const owner = actorOf({ id: ownerId, role: "member", timezone: "UTC" });
    await services.books.create(owner, { title: "Dune" }, { reading: { status: "reading" } });
    const s = await services.reminders.create(owner, { when: { daily: "00:00" } });
    // It fell due an hour ago (the processes were down).
    const due = new Date(now.getTime() - 3600_000).toISOString();
    await services.db
      .updateTable("schedules")
      .set({ next_slot_at: due, next_fire_at: due })
      .where("id", "=", s.id)
      .execute();
    await app.close();

    const scheduler = readlog(["serve", "--roles", "scheduler"], env);
    const worker = readlog(["serve", "--roles", "worker"], env);
    const workerExit = exited(worker);
    const schedulerExit = exited(scheduler);
    await waitFor(() => telegram.sends.length >= 1).catch(async (err) => {
      worker.kill();
      scheduler.kill();
      throw new Error(`${err}: ${(await workerExit).stderr} ${(await schedulerExit).stderr}`);
    });
    expect(telegram.sends[0]).toMatchObject({ chatId: "777" });
    expect(telegram.sends[0]!.text).toContain("Dune");

    worker.kill("SIGKILL");
    expect((await workerExit).signal).toBe("SIGKILL");
    const again = readlog(["serve", "--roles", "worker"], env);
    await started(again);
    await new Promise((r) => setTimeout(r, 1000));
    expect(telegram.sends).toHaveLength(1);

    const stops = [schedulerExit, exited(again)];
    scheduler.kill("SIGTERM");
    again.kill("SIGTERM");
    for (const r of await Promise.all(stops)) expect(r.code, r.stderr).toBe(0);
  }, 60_000);
});
