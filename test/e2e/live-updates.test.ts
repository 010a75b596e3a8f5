// Live updates in a real browser: the book page open in Chromium (signed in with the session cookie, so the
// app's Socket.IO connection authenticates like its API calls) shows a page logged elsewhere — over the
// text API, as WhatsApp would — without a reload; two people chat in their club from two browser contexts.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Browser, Page } from "playwright-core";
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
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's serious and critical violations on the page (WCAG 2.2 AA and best practice). */
async function axe(p: Page): Promise<string[]> {
  await p.evaluate(axeSource);
  const violations = await p.evaluate<{ id: string; impact: string | null; help: string }[]>(
    'axe.run(document, { resultTypes: ["violations"], runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] }).then((r) => r.violations)',
  );
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help}`);
}

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

  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(base + url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  /** Registers (the first account) or is created by `admin`, then logs in: the session's headers. */
  async function account(email: string, admin?: Record<string, string>): Promise<Record<string, string>> {
    const creds = { email, password: PASSWORD };
    const made = admin
      ? await post("/api/admin/users", creds, admin)
      : await post("/api/auth/register", creds);
    expect(made.status, await made.clone().text()).toBeLessThan(300);
    const login = await post("/api/auth/login", creds);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    return { cookie, "x-csrf-token": csrfToken };
  }
  async function signIn(email: string) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${base}/sign-in`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/sign-in"));
    return { context, page, errors };
  }
  let admin: Record<string, string>;

  it("a page logged over the text API appears on the open book page", async () => {
    const auth = await account("live@example.com");
    admin = auth;
    const creds = { email: "live@example.com" };
    const book = (await (
      await post("/api/books", { title: "Dune", totalPages: 412, status: "reading" }, auth)
    ).json()) as {
      id: string;
    };

    const { context, page, errors } = await signIn(creds.email);
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
  }, 60_000);

  it("two people chat in their club, each in a browser of their own", async () => {
    const bob = await account("bob@example.com", admin);
    const club = (await (await post("/api/clubs", { name: "Dune readers" }, admin)).json()) as { id: string };
    const { token } = (await (
      await post(`/api/clubs/${club.id}/invites`, { link: { expiresInHours: 1 } }, admin)
    ).json()) as { token: string };
    expect((await post("/api/club-invites/accept", { token }, bob)).status).toBe(200);

    const ann = await signIn("live@example.com");
    const b = await signIn("bob@example.com");
    for (const p of [ann.page, b.page]) {
      await p.goto(`${base}/clubs/${club.id}`);
      await p.getByRole("heading", { level: 1, name: "Dune readers" }).waitFor();
      await expect.poll(() => p.getByRole("button", { name: "Send" }).isEnabled()).toBe(true);
    }
    await ann.page.getByLabel("Message", { exact: true }).fill("Who is on chapter 3?");
    await ann.page.getByRole("button", { name: "Send" }).click();
    await b.page.getByText("Who is on chapter 3?").waitFor({ timeout: 10_000 });
    await b.page.getByLabel("Message", { exact: true }).fill("Me, since last night");
    await b.page.getByRole("button", { name: "Send" }).click();
    await ann.page.getByText("Me, since last night").waitFor({ timeout: 10_000 });
    expect(await axe(ann.page), "axe on the club page").toEqual([]);
    await ann.page.goto(`${base}/clubs`);
    await ann.page.getByRole("link", { name: "Dune readers" }).waitFor();
    expect(await axe(ann.page), "axe on the clubs page").toEqual([]);
    expect([...ann.errors, ...b.errors]).toEqual([]);
    await ann.context.close();
    await b.context.close();
  }, 120_000);
});
