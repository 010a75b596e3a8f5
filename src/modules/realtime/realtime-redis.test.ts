import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { readingBook } from "../../../test/support/books.js";
import { collect, connect, until } from "../../../test/support/realtime.js";
import { type Assembly, assemble } from "../../app/assemble.js";
import { buildHttpApp } from "../../app/http.js";
import { testConfig } from "../../config.js";
import { RedisPubSub } from "../../platform/pubsub/redis-pubsub.js";
import { type RealtimeGateway, userRoom } from "./gateway.js";
import { redisAdapter } from "./redis-adapter.js";

const redisUrl = inject("redisUrl");

/** One "process": its own assembly, HTTP server and Socket.IO, on the shared database and Redis. */
interface Proc {
  assembly: Assembly;
  http: FastifyInstance;
  gateway: RealtimeGateway;
  url: string;
}

// Two processes on one database and one Redis, a client on each: what one does reaches the other's clients.
describe.skipIf(!redisUrl)("realtime across two processes over Redis", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "readlog-realtime-"));
  const prefix = `rltest_${process.pid}_${Date.now()}`;
  const procs: Proc[] = [];
  const sockets: Socket[] = [];
  let user: Client;
  let friend: Client;

  async function start(migrate: boolean): Promise<Proc> {
    const config = testConfig({ database: { kind: "sqlite", file: path.join(dir, "shared.db") } });
    const assembly = await assemble(config, { pubsub: new RedisPubSub({ url: redisUrl!, prefix }), migrate });
    await assembly.listen();
    await assembly.relay.start();
    const http = await buildHttpApp(assembly);
    const gateway = (assembly.services as unknown as { realtime: RealtimeGateway }).realtime;
    await gateway.attach(http.server, await redisAdapter(redisUrl!, prefix));
    await http.listen({ port: 0, host: "127.0.0.1" });
    const { port } = http.server.address() as AddressInfo;
    const p = { assembly, http, gateway, url: `http://127.0.0.1:${port}` };
    procs.push(p);
    return p;
  }

  beforeAll(async () => {
    const a = await start(true);
    await start(false);
    user = await newUser({ app: a.http } as TestApp);
    friend = await newUser({ app: a.http } as TestApp, { admin: user });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const p of procs.reverse()) {
      await p.gateway.close();
      await p.http.close();
      await p.assembly.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  async function clientOn(p: Proc, token: string) {
    const c = await connect(p.url, { token });
    sockets.push(c.socket);
    return c;
  }

  it("a page logged on one process reaches the user's client on the other", async () => {
    const [a, b] = procs as [Proc, Proc];
    await readingBook(user, { title: "Dune", totalPages: 412 });
    const onA = await clientOn(a, user.token);
    const onB = await clientOn(b, user.token);
    const r = await user.request({ method: "POST", url: "/api/text", payload: { text: "dune 42" } });
    expect(r.statusCode, r.body).toBe(200);
    await until(() => onB.events.some((e) => e.name === "progress.recorded" && e.payload.page === 42));
    await until(() => onA.events.some((e) => e.name === "progress.recorded" && e.payload.page === 42));
    // Each process delivers to its own clients: nothing arrives twice.
    expect(onB.events.filter((e) => e.name === "progress.recorded")).toHaveLength(1);
  });

  it("rooms span both processes: a broadcast from one reaches the other's sockets, and both see them all", async () => {
    const [a, b] = procs as [Proc, Proc];
    const onB = await clientOn(b, user.token);
    const pings = collect<number>(onB.socket, "ping-test");
    a.gateway.server.to(userRoom(user.userId)).emit("ping-test", 7);
    await until(() => pings.length > 0);
    expect(pings).toEqual([7]);
    const everywhere = await a.gateway.server.in(userRoom(user.userId)).fetchSockets();
    const local = a.gateway.server.of("/").adapter.rooms.get(userRoom(user.userId))?.size ?? 0;
    expect(everywhere.length).toBeGreaterThan(local);
  });

  it("club chat, presence and evictions cross: a member on each process", async () => {
    const [a, b] = procs as [Proc, Proc];
    const { id: clubId } = (
      await user.request({ method: "POST", url: "/api/clubs", payload: { name: "Across" } })
    ).json();
    const { token } = (
      await user.request({
        method: "POST",
        url: `/api/clubs/${clubId}/invites`,
        payload: { link: { expiresInHours: 1 } },
      })
    ).json();
    await friend.request({ method: "POST", url: "/api/club-invites/accept", payload: { token } });
    const onA = await clientOn(a, user.token);
    const onB = await clientOn(b, friend.token);
    const room = { room: `club:${clubId}` };
    await onB.socket.emitWithAck("room:join", room);
    const presence = collect<{ userId: string; online: boolean }>(onB.socket, "club:presence");
    const joined = await onA.socket.emitWithAck("room:join", room);
    // Who is present is asked of both processes.
    expect(joined.data.present.sort()).toEqual([user.userId, friend.userId].sort());
    await until(() => presence.some((p) => p.userId === user.userId && p.online));

    const heard = collect<{ body: string }>(onB.socket, "club:message");
    const typing = collect<{ userId: string }>(onB.socket, "club:typing");
    await onA.socket.emitWithAck("club:typing", { clubId });
    expect((await onA.socket.emitWithAck("club:send", { clubId, body: "across the wire" })).ok).toBe(true);
    await until(() => heard.length === 1 && typing.length === 1);
    expect(heard[0]!.body).toBe("across the wire");

    // Removed on process A (HTTP), put out of the room on process B.
    const left = collect<{ reason: string }>(onB.socket, "room:left");
    await user.request({
      method: "POST",
      url: `/api/clubs/${clubId}/remove-member`,
      payload: { userId: friend.userId },
    });
    await until(() => left.length === 1);
    expect((await onB.socket.emitWithAck("club:send", { clubId, body: "still?" })).error.status).toBe(409);
  });
});
