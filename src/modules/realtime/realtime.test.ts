import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, PASSWORD, type TestApp } from "../../../test/support/app.js";
import { readingBook } from "../../../test/support/books.js";
import { ENGINES } from "../../../test/support/engines.js";
import {
  ask,
  collect,
  connect,
  type LiveEvent,
  listenRealtime,
  type RealtimeTestApp,
  refusedConnect,
  until,
} from "../../../test/support/realtime.js";

describe.each(ENGINES)("live updates over Socket.IO (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  let rt: RealtimeTestApp;
  const open: Socket[] = [];
  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine));
    rt = await listenRealtime(t);
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await rt.close();
  });

  const user = () => newUser(t, { admin });
  async function client(auth: Record<string, unknown>, opts?: { extraHeaders?: Record<string, string> }) {
    const c = await connect(rt.url, auth, opts);
    open.push(c.socket);
    return c;
  }
  async function login(c: Client): Promise<string> {
    const r = await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: c.email, password: PASSWORD },
    });
    return r.cookies.find((k) => k.name === "readlog_session")!.value;
  }
  const say = (c: Client, text: string) => c.request({ method: "POST", url: "/api/text", payload: { text } });

  it("authenticates like the API: a token or the session cookie; anything else is refused with the reason", async () => {
    const c = await user();
    expect((await client({ token: c.token })).ready.userId).toBe(c.userId);
    expect((await client({}, { extraHeaders: { authorization: `Bearer ${c.token}` } })).ready.userId).toBe(
      c.userId,
    );
    const cookie = await login(c);
    const host = new URL(rt.url).host;
    const viaCookie = await client(
      {},
      { extraHeaders: { cookie: `readlog_session=${cookie}`, origin: rt.url } },
    );
    expect(viaCookie.ready.userId).toBe(c.userId);

    expect((await refusedConnect(rt.url, {})).data).toEqual({ status: 401, code: "unauthorized" });
    expect((await refusedConnect(rt.url, { token: "rl_not-a-token" })).data?.status).toBe(401);
    expect((await refusedConnect(rt.url, { token: 42 })).data).toEqual({ status: 400, code: "validation" });
    expect((await refusedConnect(rt.url, { token: c.token, extra: 1 })).data?.status).toBe(400);
    // Another site's page cannot ride the visitor's cookie (a WebSocket is not subject to CORS).
    const foreign = await refusedConnect(
      rt.url,
      {},
      {
        extraHeaders: { cookie: `readlog_session=${cookie}`, origin: "https://evil.example" },
      },
    );
    expect(foreign.data).toEqual({ status: 403, code: "forbidden" });
    expect(host).toContain("127.0.0.1");
  });

  it("a page logged over the text API reaches the user's open clients, and no one else's", async () => {
    const c = await user();
    const other = await user();
    const book = await readingBook(c, { title: "Dune", totalPages: 412 });
    const laptop = await client({ token: c.token });
    const phone = await client({ token: c.token });
    const stranger = await client({ token: other.token });
    const onLaptop = collect<LiveEvent>(laptop.socket, "event");
    const onPhone = collect<LiveEvent>(phone.socket, "event");
    const onStranger = collect<LiveEvent>(stranger.socket, "event");

    expect((await say(c, "dune 120")).statusCode).toBe(200);
    await t.settle();
    await until(() => onLaptop.some((e) => e.name === "progress.recorded"));
    await until(() => onPhone.some((e) => e.name === "progress.recorded"));
    const page = onLaptop.find((e) => e.name === "progress.recorded")!;
    expect(page.aggregateId).toBe(book.id);
    expect(page.payload).toMatchObject({ bookId: book.id, page: 120 });

    // Finishing the book moves it shelves on every open client.
    expect((await say(c, "finished dune")).statusCode).toBe(200);
    await t.settle();
    await until(() => onPhone.some((e) => e.name === "book.shelved" && e.payload.to === "finished"));
    expect(onStranger).toEqual([]);
  });

  it("a client that reconnects with the last event id it saw gets what it missed, in order", async () => {
    const c = await user();
    await readingBook(c, { title: "Emma", totalPages: 300 });
    const first = await client({ token: c.token });
    await say(c, "emma 10");
    await t.settle();
    await until(() => first.events.some((e) => e.name === "progress.recorded"));
    const last = first.events[first.events.length - 1]!.id;
    first.socket.close();

    await say(c, "emma 20");
    await say(c, "emma 30");
    await t.settle();
    const again = await client({ token: c.token, lastEventId: last });
    expect(again.ready).toEqual({ userId: c.userId, replayed: 2, gap: false });
    expect(again.events.map((e) => [e.name, e.payload.page])).toEqual([
      ["progress.recorded", 20],
      ["progress.recorded", 30],
    ]);
    // Nothing missed: nothing replayed.
    const uptodate = await client({ token: c.token, lastEventId: again.events[1]!.id });
    expect(uptodate.ready.replayed).toBe(0);
  });

  it("revoking the token disconnects its sockets at once, with the reason", async () => {
    const c = await user();
    const r = await c.request({
      method: "POST",
      url: "/api/tokens",
      payload: { name: "socket", scopes: ["read"] },
    });
    const { id, token } = r.json();
    const { socket } = await client({ token });
    const refused = collect<{ code: string }>(socket, "refused");
    let disconnected = "";
    socket.on("disconnect", (reason) => {
      disconnected = reason;
    });
    expect((await c.request({ method: "DELETE", url: `/api/tokens/${id}` })).statusCode).toBe(204);
    await t.settle();
    await until(() => disconnected !== "");
    expect(refused).toEqual([expect.objectContaining({ code: "session-ended" })]);
    expect(disconnected).toBe("io server disconnect");
    expect((await refusedConnect(rt.url, { token })).data?.status).toBe(401);
  });

  it("a session that expires while connected is let go at the next recheck", async () => {
    const c = await user();
    const cookie = await login(c);
    const { socket } = await client({}, { extraHeaders: { cookie: `readlog_session=${cookie}` } });
    const refused = collect<{ code: string }>(socket, "refused");
    await rt.gateway.recheckAll();
    expect(refused).toEqual([]);
    t.clock.advance((t.config.sessionTtlDays + 1) * 86_400_000);
    await rt.gateway.recheckAll();
    await until(() => refused.length > 0);
    expect(refused[0]).toMatchObject({ code: "session-ended" });
  });

  it("refuses malformed events and unknown rooms with a reason, and lets a flooding client go", async () => {
    const c = await user();
    const { socket } = await client({ token: c.token });
    expect(await ask(socket, "no-such-event", {})).toMatchObject({
      ok: false,
      error: { status: 400, code: "unknown-event" },
    });
    expect(await ask(socket, "room:join", { room: 42 })).toMatchObject({
      ok: false,
      error: { status: 400, code: "validation", field: "room" },
    });
    expect(await ask(socket, "room:join", { room: "nowhere:abc" })).toMatchObject({
      ok: false,
      error: { status: 404 },
    });
    // The user's own room is the server's to join.
    expect(await ask(socket, "room:join", { room: `user:${admin.userId}` })).toMatchObject({
      ok: false,
      error: { status: 404 },
    });

    const refused = collect<{ code: string }>(socket, "refused");
    let disconnected = "";
    socket.on("disconnect", (reason) => {
      disconnected = reason;
    });
    for (let i = 0; i < 200; i++) socket.emit("no-such-event", {});
    await until(() => disconnected !== "");
    expect(refused.some((r) => r.code === "flood")).toBe(true);
    // The server and other clients are unaffected.
    expect((await client({ token: c.token })).ready.userId).toBe(c.userId);
  });

  it("lets go a client that stopped reading once too much waits for it (and not before)", () => {
    const fake = (pending: number) => {
      const seen = { refused: [] as unknown[], disconnected: false };
      const socket = {
        conn: { writeBuffer: new Array(pending) },
        data: {},
        emit: (name: string, data: unknown) => seen.refused.push([name, data]),
        disconnect: () => {
          seen.disconnected = true;
        },
      };
      return { socket: socket as never, seen };
    };
    const slow = fake(rt.gateway.limits.maxPendingPackets + 1);
    expect(rt.gateway.backedUp(slow.socket)).toBe(true);
    expect(slow.seen).toEqual({
      refused: [["refused", expect.objectContaining({ code: "slow-reader" })]],
      disconnected: true,
    });
    const busy = fake(rt.gateway.limits.maxPendingPackets);
    expect(rt.gateway.backedUp(busy.socket)).toBe(false);
    expect(busy.seen.disconnected).toBe(false);
  });

  it("closes the connection of a client that sends a message over the size limit", async () => {
    const c = await user();
    const { socket } = await client({ token: c.token });
    let disconnected = "";
    socket.on("disconnect", (reason) => {
      disconnected = reason;
    });
    socket.emit("room:join", { room: `club:${"x".repeat(64 * 1024)}` });
    await until(() => disconnected !== "");
    expect(disconnected).toBe("transport close");
  });
});
