// Notes edited together and a club run by its moderators, in a real browser: Debian's Chromium driven by
// playwright-core against the real server (API, Socket.IO and Hocuspocus on one port, as `readlog serve`
// runs) on a temporary SQLite database. Two people, each in a browser context of their own, type into one
// note and both see the same text (which the server stores); a viewer's editor is read only; a link opens
// it; revoking closes the editor at once. In their club, the owner renames it and deletes a member's
// message, and both pages follow live over the app's one Socket.IO connection.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Browser, BrowserContext, Page } from "playwright-core";
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
if (skip) console.log(`notes-together browser test skipped: ${skip}`);
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

interface Person {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

describe.skipIf(skip !== null)("notes edited together and club moderation in the web app (Chromium)", () => {
  let dir: string;
  let assembly: Assembly;
  let app: FastifyInstance;
  let background: Background;
  let attachments: ServerAttachment[];
  let base: string;
  let browser: Browser;
  let ann: Record<string, string>;
  const people: Person[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "readlog-together-e2e-"));
    const config = testConfig({ database: { kind: "sqlite", file: join(dir, "readlog.db") } });
    assembly = await assemble(config);
    app = await buildHttpApp(assembly);
    // As `readlog serve` runs: Socket.IO (realtime) and Hocuspocus (collab) on the API's server.
    attachments = assembly.modules.flatMap((m) => m.attachments ?? []);
    for (const a of attachments) await a.attach(app.server);
    // The event relay: revoked shares and links reach the collab server as events.
    background = await startBackground(assembly, ROLES, config);
    base = await app.listen({ port: 0, host: "127.0.0.1" });
    const { chromium: pw } = await import("playwright-core");
    browser = await pw.launch({ executablePath: chromium ?? undefined, args: CHROMIUM_ARGS });
    ann = await account("ann@example.com", "Ann");
    await account("bob@example.com", "Bob", ann);
    await account("cy@example.com", "Cy", ann);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    for (const a of attachments ?? []) await a.close();
    await app?.close();
    await background?.stop(0);
    await assembly?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (method: string, url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(base + url, {
      method,
      headers: { "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  /** Registers (the first account) or is created by `admin`, then logs in: the session's headers. */
  async function account(email: string, name: string, admin?: Record<string, string>) {
    const creds = { email, password: PASSWORD };
    const made = admin
      ? await call("POST", "/api/admin/users", { ...creds, name }, admin)
      : await call("POST", "/api/auth/register", { ...creds, name });
    expect(made.status, await made.clone().text()).toBeLessThan(300);
    return logIn(email);
  }
  async function logIn(email: string) {
    const login = await call("POST", "/api/auth/login", { email, password: PASSWORD });
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    return { cookie, "x-csrf-token": csrfToken };
  }
  async function signIn(email: string): Promise<Person> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text()))
        errors.push(`${email}: ${m.text()} at ${JSON.stringify(m.location())}`);
    });
    await page.goto(`${base}/sign-in`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/sign-in"));
    const person = { context, page, errors };
    people.push(person);
    return person;
  }
  /** Waits for an alert saying `text`; a timeout says what the page showed instead. */
  async function alerted(p: Page, text: RegExp) {
    try {
      await p.getByRole("alert").getByText(text).waitFor({ timeout: 10_000 });
    } catch (err) {
      throw new Error(`no alert ${text}: the page says ${await p.locator("main").textContent()}`, {
        cause: err,
      });
    }
  }
  const editor = (p: Page) => p.locator(".note-editor .cm-content");
  /** The editor's text, without the collaborators' name labels drawn into it. */
  const textOf = (p: Page) =>
    editor(p).evaluate((el) => {
      const copy = el.cloneNode(true) as typeof el;
      for (const label of copy.querySelectorAll(".cm-peer-caret")) label.remove();
      return [...copy.querySelectorAll(".cm-line")].map((l) => l.textContent).join("\n");
    });
  async function openEditor(p: Page, noteId: string, query = "") {
    await p.goto(`${base}/notes/${noteId}${query}`);
    if (!query) await p.getByRole("button", { name: "Edit" }).click();
    await p.getByRole("status").getByText(/^Live/).waitFor({ timeout: 15_000 });
  }
  /** Rows kept in the browser's IndexedDB for the note (offline editing), -1 when there is no store. */
  const kept = (p: Page, noteId: string) =>
    p.evaluate<number>(`(async () => {
      const names = (await indexedDB.databases()).map((d) => d.name);
      if (!names.includes("readlog-notes")) return -1;
      return new Promise((resolve, reject) => {
        const r = indexedDB.open("readlog-notes");
        r.onerror = () => reject(r.error);
        r.onsuccess = () => {
          const db = r.result;
          const q = db.transaction("updates").objectStore("updates").getAll();
          q.onsuccess = () => {
            db.close();
            resolve(q.result.filter((row) => row.key.endsWith(${JSON.stringify(`:${noteId}`)})).length);
          };
        };
      });
    })()`);
  /** Types at the end (or the start) of the editor, as a person would. */
  async function typeInto(p: Page, text: string, where: "end" | "start") {
    await editor(p).click();
    await p.keyboard.press(where === "end" ? "Control+End" : "Control+Home");
    await p.keyboard.type(text, { delay: 5 });
  }

  it("two people co-edit one note; a viewer reads only; a link opens it; revoking closes the editor", async () => {
    const made = await call("POST", "/api/notes", { title: "Spice", body: "The spice must flow." }, ann);
    expect(made.status).toBe(201);
    const note = (await made.json()) as { id: string };

    const a = await signIn("ann@example.com");
    await a.page.goto(`${base}/notes/${note.id}`);
    const sharing = a.page.getByRole("region", { name: "Sharing" });
    await sharing.getByLabel("Share with (their email)").fill("bob@example.com");
    await sharing.getByLabel("They").selectOption("editor");
    await sharing.getByRole("button", { name: "Share" }).click();
    // Listed by the email, as invited, whether or not an account has it (no account oracle).
    await sharing
      .getByRole("list", { name: "Invited, not opened yet" })
      .getByText("bob@example.com", { exact: true })
      .waitFor();

    const b = await signIn("bob@example.com");
    await openEditor(a.page, note.id);
    await openEditor(b.page, note.id);
    await b.page.getByText("Shared with you.").waitFor();
    await expect.poll(() => textOf(b.page), { timeout: 10_000 }).toBe("The spice must flow.");
    // Bob opened it: the invitation is his, by name.
    await a.page.reload();
    await sharing.getByRole("list", { name: "People it is shared with" }).getByText("can edit").waitFor();
    await openEditor(a.page, note.id);
    await expect.poll(() => textOf(a.page), { timeout: 10_000 }).toBe("The spice must flow.");

    // Both type at once, at both ends of the same paragraph: both see the same text.
    await Promise.all([typeInto(a.page, " Ann was here.", "end"), typeInto(b.page, "Bob: ", "start")]);
    const both = "Bob: The spice must flow. Ann was here.";
    await expect.poll(() => textOf(a.page), { timeout: 10_000 }).toBe(both);
    await expect.poll(() => textOf(b.page), { timeout: 10_000 }).toBe(both);
    // Each sees the other's cursor with their name, and who is editing.
    await a.page.locator(".cm-peer-name", { hasText: "Bob" }).waitFor();
    await b.page.locator(".cm-peer-name", { hasText: "Ann" }).waitFor();
    await a.page.getByRole("list", { name: "Editing now" }).getByText("Bob").waitFor();
    // The server stores it (the note's Markdown, a couple of seconds after the last change).
    await expect
      .poll(
        async () =>
          ((await (await call("GET", `/api/notes/${note.id}`, undefined, ann)).json()) as { body: string })
            .body,
        { timeout: 15_000 },
      )
      .toBe(both);
    expect(await axe(a.page), "axe on the note being edited").toEqual([]);

    // Offline: Bob goes on typing; it merges when he is back.
    await b.context.setOffline(true);
    await b.page
      .getByRole("status")
      .getByText(/^Offline/)
      .waitFor({ timeout: 10_000 }); // the page follows the browser going offline (no heartbeat wait)
    await typeInto(b.page, " (offline)", "end");
    await typeInto(a.page, "Ann: ", "start");
    await b.context.setOffline(false);
    const merged = "Ann: Bob: The spice must flow. Ann was here. (offline)";
    await expect.poll(() => textOf(a.page), { timeout: 30_000 }).toBe(merged);
    await expect.poll(() => textOf(b.page), { timeout: 30_000 }).toBe(merged);

    // Offline, then the tab closed before the connection is back: what Bob typed is kept in the browser
    // and merges when he opens the note again online.
    await b.context.setOffline(true);
    await b.page
      .getByRole("status")
      .getByText(/^Offline/)
      .waitFor({ timeout: 10_000 }); // the page follows the browser going offline (no heartbeat wait)
    const before = await kept(b.page, note.id);
    await typeInto(b.page, " Kept.", "end");
    await expect.poll(() => kept(b.page, note.id), { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 6);
    await b.page.close();
    await b.context.setOffline(false);
    b.page = await b.context.newPage();
    await openEditor(b.page, note.id);
    const reopened = `${merged} Kept.`;
    await expect.poll(() => textOf(b.page), { timeout: 30_000 }).toBe(reopened);
    await expect.poll(() => textOf(a.page), { timeout: 30_000 }).toBe(reopened);

    // Bob made a viewer while his editor is open: it turns read only at once, without a reload.
    await sharing.getByLabel("Share with (their email)").fill("bob@example.com");
    await sharing.getByLabel("They").selectOption("viewer");
    await sharing.getByRole("button", { name: "Share" }).click();
    await b.page.getByRole("status").getByText("Live, read only").waitFor({ timeout: 15_000 });
    await expect
      .poll(() => editor(b.page).getAttribute("contenteditable"), { timeout: 10_000 })
      .toBe("false");
    await b.page.keyboard.type("nope");
    expect(await textOf(b.page)).toBe(reopened);
    // He has it open, so the owner's list shows him, by name, as a reader.
    await expect
      .poll(async () => {
        await a.page.reload();
        return sharing.getByRole("list", { name: "People it is shared with" }).textContent();
      })
      .toMatch(/Bob\s*can read/);

    // A link with view rights opens it for Cy, with whom it is not shared.
    await sharing.getByLabel("Whoever has the link").selectOption("viewer");
    await sharing.getByRole("button", { name: "Make a link" }).click();
    const url = await sharing.getByLabel(/The link \(shown once/).inputValue();
    expect(url).toContain(`/notes/${note.id}?link=`);
    const c = await signIn("cy@example.com");
    await c.page.goto(url);
    // Its real title, read over REST with the link.
    await c.page.getByRole("heading", { level: 1, name: "Spice" }).waitFor();
    await c.page.getByRole("status").getByText("Live, read only").waitFor({ timeout: 15_000 });
    await expect.poll(() => textOf(c.page), { timeout: 10_000 }).toBe(reopened);

    // Revoked: the open editors close at once, with the reason.
    await sharing
      .getByRole("list", { name: "Live links" })
      .getByRole("button", { name: "Revoke this link" })
      .click();
    await alerted(c.page, /access to this note was revoked/);
    // Opened again with the revoked link: no access.
    await c.page.reload();
    await alerted(c.page, /no access to this note/);
    await sharing.getByRole("button", { name: "Stop sharing with Bob" }).click();
    await alerted(b.page, /access to this note was revoked/);
    await expect
      .poll(() => editor(b.page).getAttribute("contenteditable"), { timeout: 10_000 })
      .toBe("false");
    // Nothing of the note stays in Bob's browser.
    await expect.poll(() => kept(b.page, note.id), { timeout: 10_000 }).toBe(0);
    // Signing out forgets every note kept in the browser.
    expect(await kept(a.page, note.id)).toBeGreaterThan(0);
    await a.page.getByRole("button", { name: "Sign out" }).click();
    await a.page.waitForURL((u) => u.pathname.startsWith("/sign-in"));
    await expect.poll(() => kept(a.page, note.id), { timeout: 10_000 }).toBe(-1);
    expect(await axe(b.page), "axe on a closed editor").toEqual([]);
    expect([...a.errors, ...b.errors, ...c.errors]).toEqual([]);
  }, 180_000);

  it("the owner renames the club and deletes a member's message; each page holds one socket", async () => {
    const club = (await (await call("POST", "/api/clubs", { name: "Dune readers" }, ann)).json()) as {
      id: string;
    };
    const bobAuth = await logIn("bob@example.com");
    const { token } = (await (
      await call("POST", `/api/clubs/${club.id}/invites`, { link: { expiresInHours: 1 } }, ann)
    ).json()) as { token: string };
    expect((await call("POST", "/api/club-invites/accept", { token }, bobAuth)).status).toBe(200);

    // Only this test's pages are open.
    for (const p of people.splice(0)) await p.context.close();
    const a = await signIn("ann@example.com");
    const b = await signIn("bob@example.com");
    for (const p of [a.page, b.page]) {
      await p.goto(`${base}/clubs/${club.id}`);
      await p.getByRole("heading", { level: 1, name: "Dune readers" }).waitFor();
      await expect.poll(() => p.getByRole("button", { name: "Send" }).isEnabled()).toBe(true);
    }
    // Live updates and the chat share one connection: one socket per open page.
    const io = (
      assembly.services as unknown as {
        realtime: { server: { fetchSockets(): Promise<{ data: { userId?: string } }[]> } };
      }
    ).realtime.server;
    const sockets = await io.fetchSockets();
    expect(sockets.length, "sockets for the two open club pages").toBe(2);

    await b.page.getByLabel("Message", { exact: true }).fill("Spoiler: the ending");
    await b.page.getByRole("button", { name: "Send" }).click();
    const message = a.page.getByRole("list", { name: "Messages" }).getByRole("listitem").filter({
      hasText: "Spoiler: the ending",
    });
    await message.waitFor({ timeout: 10_000 });
    await message.getByRole("button", { name: "Delete" }).click();
    await message.getByRole("button", { name: "Yes, delete" }).click();
    await b.page.getByText("Bob: message deleted").waitFor({ timeout: 10_000 });

    // Settings: renamed, with a book and a schedule; Bob's page follows.
    const settings = a.page.getByRole("form", { name: "Club settings" });
    await settings.getByLabel("Club name").fill("Arrakis readers");
    await settings.getByLabel("Book the club reads").fill("Dune");
    await settings.getByLabel("Its pages").fill("412");
    await settings.getByLabel("Target pages a week").fill("60");
    await settings.getByRole("button", { name: "Save the club" }).click();
    await b.page.getByRole("heading", { level: 1, name: "Arrakis readers" }).waitFor({ timeout: 10_000 });
    await b.page.getByText(/60 pages a week/).waitFor();

    // Bob made a moderator, then removed: his page says so.
    const members = a.page.getByRole("list", { name: "Members" });
    await members.getByRole("button", { name: "Make moderator (Bob)" }).click();
    await b.page.getByRole("list", { name: "Members" }).getByText("Moderator").waitFor({ timeout: 10_000 });
    await members.getByRole("button", { name: "Remove Bob" }).click();
    await members.getByRole("button", { name: "Yes, remove bob" }).click();
    await b.page
      .getByRole("alert")
      .getByText("You were removed from this club.")
      .waitFor({ timeout: 10_000 });
    expect(await axe(a.page), "axe on the club page with its settings").toEqual([]);
    expect([...a.errors, ...b.errors]).toEqual([]);
  }, 120_000);
});
