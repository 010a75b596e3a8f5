// Live updates in a real browser: the book page open in Chromium (signed in with the session cookie, so the
// app's Socket.IO connection authenticates like its API calls) shows a page logged elsewhere — over the
// text API, as WhatsApp would — without a reload.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Assembly, assemble } from "../../src/app/assemble.js";
import { type Background, startBackground } from "../../src/app/background.js";
import { buildHttpApp } from "../../src/app/http.js";
import { ROLES } from "../../src/app/roles.js";
import { WEB_DIST } from "../../src/app/web-assets.js";
import { testConfig } from "../../src/config.js";
import type { ServerAttachment } from "../../src/platform/module/module.js";
import { CHROMIUM_ARGS, chromiumPath } from "../support/browser.js";

const chromium = chromiumPath();
const built = existsSync(join(WEB_DIST, "index.html"));
const skip = !chromium
  ? "no Chromium at /usr/bin/chromium"
  : !built
    ? "the web app is not built (npm run build:web)"
    : null;
if (skip) console.log(`live updates browser test skipped: ${skip}`);
const PASSWORD = "a long enough passphrase";

describe.skipIf(skip !== null)("live updates in the web app (Chromium)", () => {
  let dir: string;
  let assembly: Assembly;
  let background: Background;
  let app: FastifyInstance;
  let realtime: ServerAttachment;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "readlog-live-e2e-"));
    const config = testConfig({ database: { kind: "sqlite", file: join(dir, "readlog.db") } });
    assembly = await assemble(config);
    app = await buildHttpApp(assembly);
    realtime = assembly.modules.flatMap((m) => m.attachments ?? []).find((a) => a.role === "realtime")!;
    await realtime.attach(app.server);
    background = await startBackground(assembly, ROLES, config);
    base = await app.listen({ port: 0, host: "127.0.0.1" });
    const { chromium: pw } = await import("playwright-core");
    browser = await pw.launch({ executablePath: chromium ?? undefined, args: CHROMIUM_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await realtime?.close();
    await app?.close();
    await background?.stop(0);
    await assembly?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a page logged over the text API appears on the open book page", async () => {
    const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(base + url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
    const creds = { email: "live@example.com", password: PASSWORD };
    expect((await post("/api/auth/register", creds)).status).toBe(202);
    const login = await post("/api/auth/login", creds);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const auth = { cookie, "x-csrf-token": csrfToken };
    const book = (await (
      await post("/api/books", { title: "Dune", totalPages: 412, status: "reading" }, auth)
    ).json()) as {
      id: string;
    };

    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${base}/sign-in`);
    await page.getByLabel("Email").fill(creds.email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/sign-in"));
    await page.goto(`${base}/books/${book.id}`);
    await page.getByRole("heading", { level: 1, name: "Dune" }).waitFor();
    await page.getByText("Not started").waitFor();
    // The app's socket is connected once the server has a socket for this user.
    const io = (
      assembly.services as unknown as { realtime: { server: { fetchSockets(): Promise<unknown[]> } } }
    ).realtime.server;
    await expect.poll(async () => (await io.fetchSockets()).length, { timeout: 10_000 }).toBeGreaterThan(0);

    const said = await post("/api/text", { text: "dune 120" }, auth);
    expect(said.status).toBe(200);
    await page.getByText(/^Page 120/).waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
    await context.close();
  });
});
