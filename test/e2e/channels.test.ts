import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeOpenLibrary } from "../fakes/openlibrary.js";
import { FakeTelegramApi, TelegramWebhookSender, TG } from "../fakes/telegram.js";
import {
  FakeWhatsAppGraph,
  graphError,
  metaSignature,
  type Poster,
  WA,
  WhatsAppWebhookSender,
  waConfig,
} from "../fakes/whatsapp.js";
import { appWithAdmin, type Client, newUser, type TestApp } from "../support/app.js";
import { readingBook } from "../support/books.js";
import { ENGINES } from "../support/engines.js";

const HOUR = 3600_000;

describe.each(ENGINES)("WhatsApp and Telegram conversations (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  let graph: FakeWhatsAppGraph;
  let telegram: FakeTelegramApi;
  let wa: WhatsAppWebhookSender;
  let tg: TelegramWebhookSender;
  let phoneCounter = 60173520000;

  beforeAll(async () => {
    graph = await new FakeWhatsAppGraph().start();
    telegram = await new FakeTelegramApi().start();
    ({ t, admin } = await appWithAdmin(engine, {
      whatsapp: waConfig(graph.url),
      telegram: { apiUrl: telegram.url, botToken: TG.botToken, webhookSecret: TG.webhookSecret },
    }));
    const post: Poster = async (url, payload, headers) => {
      const r = await t.app.inject({ method: "POST", url, payload, headers });
      return { status: r.statusCode, body: r.body };
    };
    wa = new WhatsAppWebhookSender(post, () => t.clock.now());
    tg = new TelegramWebhookSender(post, () => t.clock.now());
  });
  afterAll(async () => {
    await t.close();
    await graph.stop();
    await telegram.stop();
  });
  afterEach(() => {
    // Nothing but the expected provider calls left the process.
    expect(graph.unexpected).toEqual([]);
    expect(telegram.unexpected).toEqual([]);
  });

  const flush = () => t.settle();
  const sendsTo = (to: string) => graph.sends.filter((s) => s.to === to);
  const lastTo = (to: string) => sendsTo(to).at(-1);
  const inboundRows = (address: string) =>
    t.services.db
      .selectFrom("messages")
      .selectAll()
      .where("address", "=", address)
      .where("direction", "=", "in")
      .execute();
  const entries = async (c: Client, bookId: string) =>
    (await c.request({ method: "GET", url: `/api/books/${bookId}/progress?limit=100` })).json().items as {
      page: number;
      source: string;
    }[];

  /** A new user with a WhatsApp number linked through the code flow. */
  async function linkedWhatsApp(): Promise<{ c: Client; phone: string }> {
    const c = await newUser(t, { admin });
    const phone = String(++phoneCounter);
    const r = await c.request({
      method: "POST",
      url: "/api/channels",
      payload: { kind: "whatsapp", phone: `+${phone}` },
    });
    expect(r.statusCode, r.body).toBe(201);
    const { send } = r.json();
    expect((await wa.sendText(phone, send)).res.status).toBe(200);
    await flush();
    expect(lastTo(phone)?.text).toMatch(/^Linked!/);
    return { c, phone };
  }

  async function say(phone: string, text: string, o: { context?: string } = {}) {
    const before = sendsTo(phone).length;
    const { res, id } = await wa.sendText(phone, text, o);
    expect(res.status, res.body).toBe(200);
    await flush();
    const after = sendsTo(phone);
    expect(after.length, `one reply to "${text}"`).toBe(before + 1);
    return { reply: after.at(-1)!, id };
  }

  it("answers Meta's verification handshake only with the right token", async () => {
    const q = (token: string) =>
      t.app.inject({
        method: "GET",
        url: `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1158201444`,
      });
    const ok = await q(WA.verifyToken);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe("1158201444");
    expect((await q("wrong")).statusCode).toBe(403);
  });

  it("records a page from WhatsApp and replies at the fake; links by code", async () => {
    const { c, phone } = await linkedWhatsApp();
    const dune = await readingBook(c, { title: "Dune", totalPages: 412 });
    const { reply } = await say(phone, "dune 142");
    expect(reply.type).toBe("text");
    expect(reply.text).toMatch(/^Dune: p\.142 /);
    expect(await entries(c, dune.id)).toMatchObject([{ page: 142, source: "whatsapp" }]);
    const links = (await c.request({ method: "GET", url: "/api/channels" })).json();
    expect(links.items).toMatchObject([{ kind: "whatsapp", address: phone }]);
    expect(links.enabled.sort()).toEqual(["telegram", "whatsapp"]);
    // The message log shows both directions with provider ids.
    const page = (await c.request({ method: "GET", url: "/api/messages?limit=2" })).json();
    expect(page.items).toHaveLength(2);
    expect(page.nextCursor).not.toBeNull();
    const log = (await c.request({ method: "GET", url: "/api/messages" })).json();
    // Both rows share the fake clock's millisecond, so their order within it is not asserted.
    const find = (p: Record<string, unknown>) =>
      log.items.find((m: Record<string, unknown>) => Object.entries(p).every(([k, v]) => m[k] === v));
    expect(find({ providerId: reply.id })).toMatchObject({
      direction: "out",
      status: "sent",
      bookId: dune.id,
    });
    expect(find({ body: "dune 142" })).toMatchObject({ direction: "in", status: "received" });
  });

  it("asks numbered choices for an ambiguous title and takes `2`, then undoes", async () => {
    const { c, phone } = await linkedWhatsApp();
    await readingBook(c, { title: "Wind and Truth", totalPages: 1300 });
    const name = await readingBook(c, { title: "The Name of the Wind", totalPages: 660 });
    expect((await say(phone, "wind 50")).reply.text).toMatch(
      /^Which book\? 1\) Wind and Truth 2\) The Name of the Wind/,
    );
    expect((await say(phone, "2")).reply.text).toMatch(/^The Name of the Wind: p\.50 /);
    expect(await entries(c, name.id)).toHaveLength(1);
    expect((await say(phone, "undo")).reply.text).toBe("Undone: The Name of the Wind is back to the start.");
  });

  it("takes the book from the message a reply answers (context.id)", async () => {
    const { c, phone } = await linkedWhatsApp();
    await readingBook(c, { title: "Dune", totalPages: 412 });
    const emma = await readingBook(c, { title: "Emma", totalPages: 400 });
    await t.services.channels.notify(c.userId, "Which page of Emma are you on?", {
      idempotencyKey: `test-prompt-${phone}`,
      bookId: emma.id,
    });
    await flush();
    const prompt = lastTo(phone)!;
    expect(prompt.text).toBe("Which page of Emma are you on?");
    expect((await say(phone, "120", { context: prompt.id })).reply.text).toMatch(/^Emma: p\.120 /);
    expect(await entries(c, emma.id)).toMatchObject([{ page: 120, source: "whatsapp" }]);
  });

  it("uses the template outside the 24-hour window", async () => {
    const { c, phone } = await linkedWhatsApp();
    t.clock.advance(25 * HOUR);
    await t.services.channels.notify(c.userId, "Time to read!\nWhich page?", {
      idempotencyKey: `late-${phone}`,
    });
    // Same key again: queued once.
    await t.services.channels.notify(c.userId, "Time to read!\nWhich page?", {
      idempotencyKey: `late-${phone}`,
    });
    await flush();
    const sent = sendsTo(phone).slice(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      type: "template",
      template: { name: WA.template.name, language: { code: WA.template.language } },
      param: "Time to read! Which page?",
    });
  });

  it("falls back to the template when Meta fails free text with 131047", async () => {
    const { c, phone } = await linkedWhatsApp();
    graph.windowClosed = true;
    try {
      await t.services.channels.notify(c.userId, "How is Dune going?", { idempotencyKey: `w-${phone}` });
      await flush();
      const text = lastTo(phone)!;
      expect(text.type).toBe("text");
      const status = graph.pendingStatuses.find((s) => s.id === text.id)!;
      expect((await wa.statuses([status])).status).toBe(200);
      await flush();
      expect(lastTo(phone)).toMatchObject({ type: "template", param: "How is Dune going?" });
      // Meta repeats the status: no second fallback.
      await wa.statuses([status]);
      await flush();
      expect(sendsTo(phone).filter((s) => s.type === "template")).toHaveLength(1);
      const log = (await c.request({ method: "GET", url: "/api/messages" })).json().items;
      expect(log.find((m: { providerId: string }) => m.providerId === text.id)).toMatchObject({
        status: "failed",
        errorCode: "131047",
        lastError: "Re-engagement message",
      });
    } finally {
      graph.windowClosed = false;
    }
  });

  it("applies delivery statuses in order only", async () => {
    const { c, phone } = await linkedWhatsApp();
    const { reply } = await say(phone, "help");
    const ts = String(Math.floor(t.clock.now().getTime() / 1000));
    await wa.statuses([{ id: reply.id, status: "read", timestamp: ts, recipient_id: phone }]);
    await wa.statuses([{ id: reply.id, status: "delivered", timestamp: ts, recipient_id: phone }]);
    const log = (await c.request({ method: "GET", url: "/api/messages" })).json().items;
    expect(log.find((m: { providerId: string }) => m.providerId === reply.id)).toMatchObject({
      status: "read",
    });
  });

  it("records and answers a duplicate delivery once", async () => {
    const { c, phone } = await linkedWhatsApp();
    const dune = await readingBook(c, { title: "Dune", totalPages: 412 });
    const m = wa.text(phone, "dune 10");
    const before = sendsTo(phone).length;
    for (let i = 0; i < 3; i++) expect((await wa.send(m.body)).status).toBe(200);
    await flush();
    expect(sendsTo(phone).length).toBe(before + 1);
    expect(await entries(c, dune.id)).toHaveLength(1);
    expect((await inboundRows(phone)).filter((r) => r.provider_id === m.id)).toHaveLength(1);
  });

  it("writes nothing of a message whose reply cannot be queued; the redelivery is handled once", async () => {
    const { c, phone } = await linkedWhatsApp();
    const dune = await readingBook(c, { title: "Dune", totalPages: 412 });
    const m = wa.text(phone, "dune 42");
    const before = sendsTo(phone).length;
    const outbox = t.services.outbox;
    const enqueue = outbox.enqueue;
    outbox.enqueue = async () => {
      throw new Error("the outbox write failed");
    };
    try {
      expect((await wa.send(m.body)).status).toBe(500);
    } finally {
      outbox.enqueue = enqueue;
    }
    // Not the delivery, the entry, its day total nor the undo log entry: Meta will deliver it again.
    expect((await inboundRows(phone)).filter((r) => r.provider_id === m.id)).toHaveLength(0);
    expect(await entries(c, dune.id)).toHaveLength(0);
    const db = t.services.db;
    expect(
      await db.selectFrom("daily_pages").select("pages").where("book_id", "=", dune.id).execute(),
    ).toEqual([]);
    expect(await db.selectFrom("text_undo").select("id").where("owner_id", "=", c.userId).execute()).toEqual(
      [],
    );
    expect((await wa.send(m.body)).status).toBe(200);
    expect((await wa.send(m.body)).status).toBe(200);
    await flush();
    expect(sendsTo(phone).length).toBe(before + 1);
    expect(lastTo(phone)?.text).toMatch(/^Dune: p\.42 \(\+42 today/);
    expect(await entries(c, dune.id)).toMatchObject([{ page: 42, source: "whatsapp" }]);
    expect((await inboundRows(phone)).filter((r) => r.provider_id === m.id)).toHaveLength(1);
  });

  it("answers a command that failed half-way, with nothing of it recorded", async () => {
    const { c, phone } = await linkedWhatsApp();
    const dune = await readingBook(c, { title: "Dune", totalPages: 412 });
    const progress = t.services.progress;
    const record = progress.record;
    progress.record = async function (this: typeof progress, ...args: Parameters<typeof record>) {
      await record.apply(this, args);
      throw new Error("broken after writing");
    };
    try {
      const { reply, id } = await say(phone, "dune 42");
      expect(reply.text).toMatch(/^Something went wrong on my side/);
      // The delivery is recorded (so it is not handled again), the entry is not.
      expect((await inboundRows(phone)).filter((r) => r.provider_id === id)).toHaveLength(1);
    } finally {
      progress.record = record;
    }
    expect(await entries(c, dune.id)).toHaveLength(0);
    expect((await say(phone, "dune 42")).reply.text).toMatch(/^Dune: p\.42 /);
  });

  it("refuses bad or missing signatures with 401 and records nothing", async () => {
    const phone = String(++phoneCounter);
    const m = wa.text(phone, "café 12 — naïve");
    expect((await wa.send(m.body, { signature: null })).status).toBe(401);
    expect((await wa.send(m.body, { signature: `sha256=${"0".repeat(64)}` })).status).toBe(401);
    expect((await wa.send(m.body, { signature: "sha1=abc" })).status).toBe(401);
    // Signed over Meta's escaped bytes, but the body re-serialised with raw UTF-8: the bytes differ.
    const escaped = JSON.stringify(m.body).replace(
      /[\u007f-\uffff]/g,
      (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    expect(escaped).toContain("\\u00e9");
    const wrong = await wa.send(m.body, {
      raw: JSON.stringify(m.body),
      signature: metaSignature(WA.appSecret, escaped),
    });
    expect(wrong.status).toBe(401);
    expect(await inboundRows(phone)).toHaveLength(0);
    await flush();
    expect(sendsTo(phone)).toHaveLength(0);
    // The exact bytes, correctly signed, pass (non-ASCII escaped as Meta does).
    expect((await wa.send(m.body)).status).toBe(200);
    expect((await inboundRows(phone))[0]?.body).toBe("café 12 — naïve");
    await flush();
  });

  it("ignores a replay of an old delivery", async () => {
    const { phone } = await linkedWhatsApp();
    const old = Math.floor((t.clock.now().getTime() - 25 * HOUR) / 1000);
    const before = sendsTo(phone).length;
    const { res, id } = await wa.sendText(phone, "dune 300", { timestamp: old });
    expect(res.status).toBe(200);
    await flush();
    expect(sendsTo(phone).length).toBe(before);
    expect((await inboundRows(phone)).some((r) => r.provider_id === id)).toBe(false);
  });

  it("tells an unknown number how to link, and does nothing else", async () => {
    const phone = String(++phoneCounter);
    const { reply } = await say(phone, "dune 142");
    expect(reply.text).toMatch(/not linked to a Readlog account.*link <code>/);
    const rows = await inboundRows(phone);
    expect(rows).toMatchObject([{ owner_id: null, body: "dune 142" }]);
  });

  it("answers a non-text message politely", async () => {
    const { phone } = await linkedWhatsApp();
    const m = wa.message(phone, {
      type: "image",
      image: { id: "1234", mime_type: "image/jpeg", sha256: "x" },
    });
    expect((await wa.send(m.body)).status).toBe(200);
    await flush();
    expect(lastTo(phone)?.text).toMatch(/only understand text/);
  });

  it("refuses wrong, reused and expired codes, and codes from another number", async () => {
    const c = await newUser(t, { admin });
    const phone = String(++phoneCounter);
    const code = async () =>
      (
        await c.request({ method: "POST", url: "/api/channels", payload: { kind: "whatsapp", phone } })
      ).json();
    const first = await code();
    expect(first.code).toMatch(/^[2-9A-Z]{8}$/);
    const stored = await t.services.db
      .selectFrom("channel_codes")
      .selectAll()
      .where("owner_id", "=", c.userId)
      .execute();
    expect(JSON.stringify(stored)).not.toContain(first.code);
    const other = String(++phoneCounter);
    expect((await say(other, first.send)).reply.text).toMatch(/wrong, used or expired/);
    expect((await say(phone, "link ZZZZZZZZ")).reply.text).toMatch(/wrong, used or expired/);
    const late = await code();
    t.clock.advance(16 * 60_000);
    expect((await say(phone, late.send)).reply.text).toMatch(/wrong, used or expired/);
    expect((await say(phone, first.send.toLowerCase())).reply.text).toMatch(/expired/);
    const fresh = await code();
    expect((await say(phone, fresh.send)).reply.text).toMatch(/^Linked!/);
    expect((await say(phone, fresh.send)).reply.text).toMatch(/wrong, used or expired/);
    const bad = await c.request({
      method: "POST",
      url: "/api/channels",
      payload: { kind: "whatsapp", phone: "12" },
    });
    expect(bad.statusCode).toBe(400);
  });

  it("links a WhatsApp username that arrives with only a business-scoped user id", async () => {
    const c = await newUser(t, { admin });
    await readingBook(c, { title: "Dune", totalPages: 412 });
    // Without a phone number Meta sends from_user_id; the code ties it to the account.
    const phone = String(++phoneCounter);
    const { send } = (
      await c.request({ method: "POST", url: "/api/channels", payload: { kind: "whatsapp", phone } })
    ).json();
    const bsuid = `US.${phoneCounter}`;
    await wa.sendText("", send, { userIdOnly: bsuid });
    await flush();
    // The code was for a number, and none came: refused.
    expect(lastTo(bsuid)?.text).toMatch(/wrong, used or expired/);
  });

  it("retries transient send failures with backoff and records permanent ones", async () => {
    const { c, phone } = await linkedWhatsApp();
    graph.failures.push({ status: 500, body: graphError(2, "Service temporarily unavailable") });
    await t.services.channels.notify(c.userId, "retry me", { idempotencyKey: `r-${phone}` });
    await flush();
    let row = await t.services.db
      .selectFrom("messages")
      .selectAll()
      .where("idempotency_key", "=", `r-${phone}:whatsapp`)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "queued", error_code: "2" });
    expect(Number(row.attempts)).toBe(1);
    t.clock.advance(11 * 60_000);
    await flush();
    row = await t.services.db
      .selectFrom("messages")
      .selectAll()
      .where("id", "=", row.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("sent");
    expect(lastTo(phone)?.text).toBe("retry me");

    graph.failures.push({
      status: 400,
      body: graphError(
        131026,
        "Message undeliverable",
        "OAuthException",
        "Receiver is incapable of receiving this message",
      ),
    });
    await t.services.channels.notify(c.userId, "undeliverable", { idempotencyKey: `p-${phone}` });
    await flush();
    const log = (await c.request({ method: "GET", url: "/api/messages" })).json().items;
    const failed = log.find((m: { body: string }) => m.body === "undeliverable");
    expect(failed).toMatchObject({ status: "failed", errorCode: "131026", attempts: 1 });
    expect(failed.lastError).toMatch(/incapable/);
  });

  it("unlinks; another user's link is not found", async () => {
    const { c, phone } = await linkedWhatsApp();
    const id = (await c.request({ method: "GET", url: "/api/channels" })).json().items[0].id;
    const stranger = await newUser(t, { admin });
    expect((await stranger.request({ method: "DELETE", url: `/api/channels/${id}` })).statusCode).toBe(404);
    expect((await c.request({ method: "DELETE", url: `/api/channels/${id}` })).statusCode).toBe(204);
    expect((await say(phone, "dune 5")).reply.text).toMatch(/not linked/);
  });

  describe("Telegram", () => {
    let chat = 4200;
    async function tgSay(
      chatId: number,
      text: string | null,
      o: { updateId?: number; replyTo?: number } = {},
    ) {
      const before = telegram.sends.filter((s) => s.chatId === String(chatId)).length;
      const r = await tg.send(tg.update(chatId, text, o));
      expect(r.status, r.body).toBe(200);
      await flush();
      const after = telegram.sends.filter((s) => s.chatId === String(chatId));
      return { replies: after.slice(before), last: after.at(-1) };
    }

    it("links with /start <code>, records pages, dedupes update ids", async () => {
      const c = await newUser(t, { admin });
      const dune = await readingBook(c, { title: "Dune", totalPages: 412 });
      const chatId = ++chat;
      expect((await tgSay(chatId, "dune 1")).last?.text).toMatch(/not linked.*\/start <code>/);
      const code = (
        await c.request({ method: "POST", url: "/api/channels", payload: { kind: "telegram" } })
      ).json();
      expect(code.send).toMatch(/^\/start [2-9A-Z]{8}$/);
      expect((await tgSay(chatId, code.send)).last?.text).toMatch(/^Linked!/);
      const update = tg.update(chatId, "dune 77");
      for (let i = 0; i < 2; i++) expect((await tg.send(update)).status).toBe(200);
      await flush();
      expect(telegram.sends.at(-1)?.text).toMatch(/^Dune: p\.77 /);
      expect(await entries(c, dune.id)).toMatchObject([{ page: 77, source: "telegram" }]);
      expect((await tgSay(chatId, null)).last?.text).toMatch(/only understand text/);
      // Replying to a bot message about a book picks that book.
      const emma = await readingBook(c, { title: "Emma", totalPages: 400 });
      await t.services.channels.notify(c.userId, "Emma?", {
        idempotencyKey: `tg-${chatId}`,
        bookId: emma.id,
      });
      await flush();
      const prompt = telegram.sends.at(-1)!;
      expect((await tgSay(chatId, "33", { replyTo: prompt.messageId })).last?.text).toMatch(/^Emma: p\.33/);
    });

    it("refuses a wrong or missing secret token", async () => {
      const chatId = ++chat;
      expect((await tg.send(tg.update(chatId, "hi"), "wrong_secret_0123456789")).status).toBe(401);
      expect((await tg.send(tg.update(chatId, "hi"), null)).status).toBe(401);
      expect(await inboundRows(String(chatId))).toHaveLength(0);
    });
  });
});

describe("channels that are not configured", () => {
  it("answer 404 on their webhooks and cannot be linked", async () => {
    const { t, admin } = await appWithAdmin("sqlite");
    try {
      expect(
        (await t.app.inject({ method: "POST", url: "/webhooks/whatsapp", payload: {} })).statusCode,
      ).toBe(404);
      expect((await t.app.inject({ method: "GET", url: "/webhooks/whatsapp" })).statusCode).toBe(404);
      expect(
        (await t.app.inject({ method: "POST", url: "/webhooks/telegram", payload: {} })).statusCode,
      ).toBe(404);
      const r = await admin.request({ method: "POST", url: "/api/channels", payload: { kind: "telegram" } });
      expect(r.statusCode).toBe(400);
      expect((await admin.request({ method: "GET", url: "/api/channels" })).json()).toEqual({
        items: [],
        enabled: [],
      });
    } finally {
      await t.close();
    }
  });
});

describe.each(ENGINES)("one conversation's messages, handled in the order they arrived (%s)", (engine) => {
  const ol = new FakeOpenLibrary();
  let t: TestApp;
  let admin: Client;
  let graph: FakeWhatsAppGraph;
  let wa: WhatsAppWebhookSender;

  beforeAll(async () => {
    await ol.start();
    ol.books.push({ title: "Dune", authors: ["Frank Herbert"], isbn13: "9780441172719", pages: 412 });
    graph = await new FakeWhatsAppGraph().start();
    ({ t, admin } = await appWithAdmin(engine, {
      whatsapp: waConfig(graph.url),
      openLibraryUrl: ol.url,
      openLibraryTimeoutMs: 5000,
    }));
    wa = new WhatsAppWebhookSender(
      async (url, payload, headers) => {
        const r = await t.app.inject({ method: "POST", url, payload, headers });
        return { status: r.statusCode, body: r.body };
      },
      () => t.clock.now(),
    );
  });
  afterAll(async () => {
    await t.close();
    await graph.stop();
    await ol.stop();
  });

  it("`start dune` then `dune 5` at once: the page waits for the book its lookup is creating", async () => {
    const c = await newUser(t, { admin });
    const phone = "60173529001";
    const code = await c.request({
      method: "POST",
      url: "/api/channels",
      payload: { kind: "whatsapp", phone },
    });
    expect((await wa.sendText(phone, code.json().send)).res.status).toBe(200);
    await t.settle();
    // The first message's Open Library lookup is slow; the second needs no lookup and would be done first.
    ol.mode = { delayMs: 300 };
    const [start, page] = await Promise.all([wa.sendText(phone, "start dune"), wa.sendText(phone, "dune 5")]);
    ol.mode = "ok";
    expect([start.res.status, page.res.status]).toEqual([200, 200]);
    await t.settle();
    const replies = graph.sends.filter((s) => s.to === phone).map((s) => s.text);
    expect(replies.slice(-2)).toEqual([
      "Started Dune (new book, 412 pages). Send `Dune 10` as you read.",
      expect.stringMatching(/^Dune: p\.5 /),
    ]);
    const books = (await c.request({ method: "GET", url: "/api/books?status=reading" })).json().items;
    expect(books).toHaveLength(1);
    const entries = (await c.request({ method: "GET", url: `/api/books/${books[0].id}/progress` })).json();
    expect(entries.items).toMatchObject([{ page: 5, source: "whatsapp" }]);
  });
});
