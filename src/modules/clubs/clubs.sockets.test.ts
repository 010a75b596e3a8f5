import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegramApi, TG } from "../../../test/fakes/telegram.js";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { ENGINES } from "../../../test/support/engines.js";
import {
  ask,
  collect,
  connect,
  listenRealtime,
  type RealtimeTestApp,
  until,
} from "../../../test/support/realtime.js";
import { newId } from "../../platform/ids.js";

type AckOf<T = Record<string, unknown>> =
  | { ok: true; data: T }
  | { ok: false; error: { status: number; code: string; field?: string } };
interface Msg {
  id: string;
  clubId: string;
  authorId: string;
  body: string;
  source: string;
}

// Socket events in the access matrix: another club's room, events for rooms not joined, removed members and
// revoked links are refused; chat reaches the members in the room live, and their phones when they choose.
describe.each(ENGINES)("club chat over Socket.IO (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  let rt: RealtimeTestApp;
  let telegram: FakeTelegramApi;
  const open: Socket[] = [];
  beforeAll(async () => {
    telegram = await new FakeTelegramApi().start();
    ({ t, admin } = await appWithAdmin(engine, {
      telegram: { apiUrl: telegram.url, botToken: TG.botToken, webhookSecret: TG.webhookSecret },
    }));
    rt = await listenRealtime(t);
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await rt.close();
    await telegram.stop();
  });

  const user = () => newUser(t, { admin });
  async function client(c: Client) {
    const r = await connect(rt.url, { token: c.token });
    open.push(r.socket);
    return r.socket;
  }
  async function clubOf(owner: Client, ...members: Client[]): Promise<string> {
    const { id } = (
      await owner.request({ method: "POST", url: "/api/clubs", payload: { name: `Club ${newId()}` } })
    ).json();
    for (const m of members) {
      const { token } = (
        await owner.request({
          method: "POST",
          url: `/api/clubs/${id}/invites`,
          payload: { link: { expiresInHours: 1 } },
        })
      ).json();
      await m.request({ method: "POST", url: "/api/club-invites/accept", payload: { token } });
    }
    return id;
  }
  const join = (s: Socket, clubId: string, after?: string) =>
    ask<AckOf<{ history: { items: Msg[] }; present: string[]; unread: number }>>(s, "room:join", {
      room: `club:${clubId}`,
      ...(after ? { after } : {}),
    });
  const stored = async (clubId: string) =>
    (
      await t.services.db.selectFrom("club_messages").select("body").where("club_id", "=", clubId).execute()
    ).map((r) => r.body);

  it("members join their club's room; another club's room is refused as a missing one", async () => {
    const [owner, member, stranger] = [await user(), await user(), await user()];
    const clubId = await clubOf(owner, member);
    const s = await client(member);
    expect(await join(s, clubId)).toMatchObject({ ok: true, data: { history: { items: [] }, unread: 0 } });
    const other = await client(stranger);
    const refused = await join(other, clubId);
    const missing = await join(other, newId());
    expect(refused).toEqual({
      ok: false,
      error: { status: 404, code: "not-found", detail: "Club not found" },
    });
    expect(missing).toEqual(refused);
    // Sending to a room not joined is refused, and nothing is stored.
    expect(await ask(other, "club:send", { clubId, body: "let me in" })).toMatchObject({
      ok: false,
      error: { status: 409, code: "not-joined" },
    });
    expect(await stored(clubId)).toEqual([]);
  });

  it("a message reaches everyone in the room at once, with typing and presence; history catches a client up", async () => {
    const [owner, a, b] = [await user(), await user(), await user()];
    const clubId = await clubOf(owner, a, b);
    const [sa, sb] = [await client(a), await client(b)];
    await join(sb, clubId);
    const presence = collect<{ userId: string; online: boolean }>(sb, "club:presence");
    const joined = await join(sa, clubId);
    expect(joined.ok && joined.data.present.sort()).toEqual([a.userId, b.userId].sort());
    await until(() => presence.some((p) => p.userId === a.userId && p.online));

    const onB = collect<Msg>(sb, "club:message");
    const typing = collect<{ userId: string }>(sb, "club:typing");
    await ask(sa, "club:typing", { clubId });
    await until(() => typing.length === 1);
    expect(typing[0]!.userId).toBe(a.userId);

    const sent = await ask<AckOf<Msg>>(sa, "club:send", {
      clubId,
      body: "Chapter 3 tonight?",
      mentions: [owner.userId],
    });
    expect(sent).toMatchObject({
      ok: true,
      data: { body: "Chapter 3 tonight?", authorId: a.userId, source: "web" },
    });
    await until(() => onB.length === 1);
    expect(onB[0]).toMatchObject({ body: "Chapter 3 tonight?", clubId });

    // The owner, not in the room, hears of the mention in their user room, and has one unread message.
    const so = await client(owner);
    const mentions = collect<{ clubId: string }>(so, "club:mention");
    await ask(sa, "club:send", { clubId, body: "@owner?", mentions: [owner.userId] });
    await until(() => mentions.length === 1);
    const catchUp = await join(so, clubId, sent.ok ? sent.data.id : undefined);
    expect(catchUp.ok && catchUp.data.history.items.map((m) => m.body)).toEqual(["@owner?"]);
    expect(catchUp.ok && catchUp.data.unread).toBe(2);

    const offline = presence.length;
    sa.close();
    await until(() => presence.length > offline);
    expect(presence.at(-1)).toMatchObject({ userId: a.userId, online: false });
  });

  it("edits, deletes (a moderator anyone's) and reactions reach the room; a member cannot delete another's", async () => {
    const [owner, a] = [await user(), await user()];
    const clubId = await clubOf(owner, a);
    const [so, sa] = [await client(owner), await client(a)];
    await join(so, clubId);
    await join(sa, clubId);
    const seen = collect<Record<string, unknown>>(sa, "club:message-edited");
    const reacted = collect<Record<string, unknown>>(sa, "club:reaction");
    const deleted = collect<Record<string, unknown>>(sa, "club:message-deleted");
    const mine = await ask<AckOf<Msg>>(so, "club:send", { clubId, body: "first" });
    const theirs = await ask<AckOf<Msg>>(sa, "club:send", { clubId, body: "second" });
    if (!mine.ok || !theirs.ok) throw new Error("send failed");
    await ask(so, "club:edit", { clubId, messageId: mine.data.id, body: "first!" });
    await ask(sa, "club:react", { clubId, messageId: mine.data.id, emoji: "🔥", add: true });
    expect(await ask(sa, "club:delete", { clubId, messageId: mine.data.id })).toMatchObject({
      ok: false,
      error: { status: 403 },
    });
    expect(await ask(sa, "club:edit", { clubId, messageId: mine.data.id, body: "hijack" })).toMatchObject({
      ok: false,
      error: { status: 403 },
    });
    expect(await ask(so, "club:delete", { clubId, messageId: theirs.data.id })).toEqual({ ok: true });
    await until(() => seen.length === 1 && reacted.length === 1 && deleted.length === 1);
    expect(seen[0]).toMatchObject({ messageId: mine.data.id, body: "first!" });
    expect(deleted[0]).toMatchObject({ messageId: theirs.data.id, by: owner.userId });
    // A message id of another club, named with this club, is missing.
    const elsewhere = await clubOf(owner);
    const far = (
      await owner.request({ method: "POST", url: `/api/clubs/${elsewhere}/messages`, payload: { body: "x" } })
    ).json();
    expect(await ask(so, "club:edit", { clubId, messageId: far.id, body: "y" })).toMatchObject({
      ok: false,
      error: { status: 404 },
    });
  });

  it("refuses malformed and oversized chat events with the field; nothing refused is stored", async () => {
    const [owner] = [await user()];
    const clubId = await clubOf(owner);
    const s = await client(owner);
    await join(s, clubId);
    expect(await ask(s, "club:send", { clubId })).toMatchObject({
      ok: false,
      error: { status: 400, field: "body" },
    });
    expect(await ask(s, "club:send", { clubId, body: "x".repeat(2001) })).toMatchObject({
      ok: false,
      error: { status: 400, field: "body" },
    });
    expect(await ask(s, "club:send", { clubId, body: "hi", extra: true })).toMatchObject({
      ok: false,
      error: { status: 400 },
    });
    expect(await ask(s, "club:send", "just a string")).toMatchObject({ ok: false, error: { status: 400 } });
    expect(
      await ask(s, "club:react", { clubId, messageId: newId(), emoji: "two words", add: true }),
    ).toMatchObject({
      ok: false,
      error: { status: 400, field: "emoji" },
    });
    // Over the per-member rate limit: refused with 429.
    const codes: unknown[] = [];
    for (let i = 0; i < 11; i++) {
      const r = await ask<AckOf>(s, "club:send", { clubId, body: `m${i}` });
      codes.push(r.ok ? 200 : r.error.status);
    }
    expect(codes.at(-1)).toBe(429);
    expect(await stored(clubId)).toHaveLength(10);
  });

  it("a removed member is put out of the room at once and can send no more; a read-only token cannot send", async () => {
    const [owner, a] = [await user(), await user()];
    const clubId = await clubOf(owner, a);
    const sa = await client(a);
    await join(sa, clubId);
    const left = collect<{ room: string; reason: string }>(sa, "room:left");
    await owner.request({
      method: "POST",
      url: `/api/clubs/${clubId}/remove-member`,
      payload: { userId: a.userId },
    });
    await until(() => left.length === 1);
    expect(left[0]).toEqual({ room: `club:${clubId}`, reason: "removed" });
    expect(await ask(sa, "club:send", { clubId, body: "still here?" })).toMatchObject({
      ok: false,
      error: { status: 409 },
    });
    expect((await join(sa, clubId)).ok).toBe(false);

    const r = await owner.request({
      method: "POST",
      url: "/api/tokens",
      payload: { name: "ro", scopes: ["read"] },
    });
    const ro = await connect(rt.url, { token: r.json().token });
    open.push(ro.socket);
    expect((await join(ro.socket, clubId)).ok).toBe(true);
    expect(await ask(ro.socket, "club:send", { clubId, body: "hi" })).toMatchObject({
      ok: false,
      error: { status: 403 },
    });
    expect(await stored(clubId)).toEqual([]);
  });

  it("delivers chat to a member's Telegram when they choose, and `club: …` answers from it", async () => {
    const [owner, a] = [await user(), await user()];
    const clubId = await clubOf(owner, a);
    await t.services.db
      .insertInto("channel_links")
      .values({
        id: newId(),
        owner_id: a.userId,
        kind: "telegram",
        address: `chat-${a.userId}`,
        user_key: null,
        display: null,
        verified_at: t.clock.now().toISOString(),
        last_inbound_at: null,
      })
      .execute();
    await a.request({
      method: "PATCH",
      url: `/api/clubs/${clubId}/membership`,
      payload: { deliverChat: "telegram" },
    });
    const so = await client(owner);
    await join(so, clubId);
    const onOwner = collect<Msg>(so, "club:message");

    await owner.request({
      method: "POST",
      url: `/api/clubs/${clubId}/messages`,
      payload: { body: "Who finished part one?" },
    });
    await t.settle();
    const sends = telegram.sends.filter((m) => m.chatId === `chat-${a.userId}`);
    expect(sends).toHaveLength(1);
    expect(sends[0]!.text).toContain("Who finished part one?");

    const reply = await a.request({
      method: "POST",
      url: "/api/text",
      payload: { text: "club: Me, last night!" },
    });
    expect(reply.json().reply).toMatch(/^Sent to Club /);
    await until(() => onOwner.some((m) => m.body === "Me, last night!"));
    expect(onOwner.at(-1)).toMatchObject({ authorId: a.userId, source: "api" });
    // The author's own message is not sent back to them.
    await t.settle();
    expect(telegram.sends.filter((m) => m.chatId === `chat-${a.userId}`)).toHaveLength(1);
  });
  it("a member whose client stopped reading is let go with a reason once its buffer is full; the others are not", async () => {
    const owner = await user();
    const a = await user();
    const b = await user();
    const clubId = await clubOf(owner, a, b);
    const sa = await client(a);
    const sb = await client(b);
    const so = await client(owner);
    for (const s of [sa, sb, so]) expect(await join(s, clubId)).toMatchObject({ ok: true });
    // b's client stops reading its socket (a hung tab, a client that never reads): the server's writes
    // to it back up, first in the kernel, then in the process.
    const engine = (sb.io as unknown as { engine: { transport: { ws: { _socket: { pause(): void } } } } })
      .engine;
    engine.transport.ws._socket.pause();
    const server = rt.gateway.server.of("/").sockets.get(sb.id!)!;
    const told: unknown[] = [];
    const emit = server.emit.bind(server);
    server.emit = ((name: string, ...args: unknown[]) => {
      told.push([name, ...args]);
      return emit(name, ...args);
    }) as typeof server.emit;
    let reason = "";
    server.on("disconnect", (r) => {
      reason = r;
    });
    const limits = rt.gateway.limits;
    const before = limits.maxBufferedBytes;
    limits.maxBufferedBytes = 256 * 1024;
    try {
      // A busy room: large messages, each read by the members who read (a keeps up with every one).
      const onA = collect<{ n: number }>(sa, "club:bulk");
      const chunk = "x".repeat(64 * 1024);
      let n = 0;
      while (reason === "" && n < 4_000) {
        n++;
        await rt.gateway.broadcast(`club:${clubId}`, "club:bulk", { n, chunk });
        await until(() => onA.length === n || reason !== "");
      }
      expect(reason).toBe("server namespace disconnect");
      expect(told).toContainEqual(["refused", expect.objectContaining({ code: "slow-reader" })]);
      // It is out of the room and its memory let go; a and the owner are still there and chat on.
      expect(rt.gateway.server.of("/").adapter.rooms.get(`club:${clubId}`)?.has(server.id)).toBeFalsy();
      expect(sa.connected && so.connected).toBe(true);
      const onOwner = collect<Msg>(so, "club:message");
      expect(await ask(sa, "club:send", { clubId, body: "still here" })).toMatchObject({ ok: true });
      await until(() => onOwner.length === 1);
      expect(onOwner[0]).toMatchObject({ body: "still here" });
    } finally {
      limits.maxBufferedBytes = before;
    }
  });
});
