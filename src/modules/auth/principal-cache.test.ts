import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { appWithAdmin, type Client, newUser, PASSWORD, type TestApp } from "../../../test/support/app.js";
import { ENGINES } from "../../../test/support/engines.js";
import { type Assembly, assemble } from "../../app/assemble.js";
import { testConfig } from "../../config.js";
import { actorOf } from "../../platform/access/actor.js";
import { FakeClock } from "../../platform/clock.js";
import { MemoryPubSub } from "../../platform/pubsub/memory-pubsub.js";
import type { PubSub } from "../../platform/pubsub/pubsub.js";
import { RedisPubSub } from "../../platform/pubsub/redis-pubsub.js";
import type { UserProfile } from "../users/users.repo.js";
import type { Principal } from "./principal.js";
import { PrincipalCache } from "./principal-cache.js";

const principal = (userId: string): Principal => ({
  actor: actorOf({ id: userId, role: "member", timezone: "UTC" }, ["read"]),
  user: { id: userId } as UserProfile,
  credential: { via: "token", tokenId: `tok-${userId}` },
});
const tick = () => new Promise((r) => setTimeout(r, 20));

describe("PrincipalCache", () => {
  it("keeps an entry for the TTL, never past the credential's own expiry", () => {
    const clock = new FakeClock("2026-03-01T10:00:00Z");
    const cache = new PrincipalCache({ ttlMs: 10_000, clock });
    cache.set("a", principal("u1"), null, 0);
    cache.set("b", principal("u2"), "2026-03-01T10:00:04Z", 0);
    clock.advance(3_999);
    expect(cache.get("a")?.principal.user.id).toBe("u1");
    expect(cache.get("b")?.principal.user.id).toBe("u2");
    clock.advance(1);
    expect(cache.get("b")).toBeUndefined();
    clock.advance(6_000);
    expect(cache.get("a")).toBeUndefined();
  });

  it("keeps nothing when the TTL is 0", () => {
    const cache = new PrincipalCache({ ttlMs: 0, clock: new FakeClock() });
    const entry = cache.set("a", principal("u1"), null, 0);
    expect(entry.principal.user.id).toBe("u1");
    expect(cache.get("a")).toBeUndefined();
  });

  it("freezes what it shares between requests", () => {
    const cache = new PrincipalCache({ ttlMs: 1000, clock: new FakeClock() });
    const p = cache.set("a", principal("u1"), null, 0).principal;
    expect(() => {
      (p.user as { name: string }).name = "changed";
    }).toThrow(TypeError);
  });

  it("is bounded: the least recently used entries go first", () => {
    const cache = new PrincipalCache({
      ttlMs: 60_000,
      max: 2,
      clock: new FakeClock(),
    });
    cache.set("a", principal("u1"), null, 0);
    cache.set("b", principal("u2"), null, 0);
    cache.get("a");
    cache.set("c", principal("u3"), null, 0);
    expect(cache.get("a")).toBeDefined();
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("c")).toBeDefined();
  });

  it("forgets one user's entries, keeping the others'", () => {
    const cache = new PrincipalCache({ ttlMs: 60_000, clock: new FakeClock() });
    cache.set("t1", principal("u1"), null, 0);
    cache.set("s1", principal("u1"), null, 0);
    cache.set("t2", principal("u2"), null, 0);
    cache.forget("u1");
    expect(cache.get("t1")).toBeUndefined();
    expect(cache.get("s1")).toBeUndefined();
    expect(cache.get("t2")).toBeDefined();
  });
});

// Two processes on one database: a change committed by one reaches the other's cache through the event relay
// and pub/sub (the in-process bus shared, or Redis).
describe("cached credentials across processes", () => {
  const redisUrl = inject("redisUrl");
  const dir = mkdtempSync(path.join(tmpdir(), "readlog-cache-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function twoProcesses(buses: [PubSub, PubSub], file: string): Promise<[Assembly, Assembly]> {
    const config = testConfig({ database: { kind: "sqlite", file: path.join(dir, file) } });
    const a = await assemble(config, { pubsub: buses[0] });
    const b = await assemble(config, { pubsub: buses[1], migrate: false });
    for (const p of [a, b]) {
      await p.listen();
      await p.relay.start();
    }
    return [a, b];
  }

  async function revokeReachesTheOther(a: Assembly, b: Assembly): Promise<void> {
    const user = {
      id: "u-1",
      email: "x@example.com",
      name: "x",
      password_hash: "-",
      role: "member" as const,
    };
    await a.services.users.insert({
      ...user,
      timezone: "UTC",
      created_at: new Date().toISOString(),
      disabled_at: null,
    });
    const actor = actorOf({ id: user.id, role: "member", timezone: "UTC" });
    const { row, secret } = await a.services.tokens.create(actor, { name: "t", scopes: ["read"] });
    // Both processes have the token's principal cached.
    expect(await a.services.auth.fromBearerToken(secret)).toBeDefined();
    expect(await b.services.auth.fromBearerToken(secret)).toBeDefined();
    expect(b.services.auth.cachedBearer(secret)).toBeDefined();
    await a.services.tokens.revoke(actor, row.id);
    // At once in the process that made the change; in the other once the relay's publication arrives.
    expect(a.services.auth.cachedBearer(secret)).toBeUndefined();
    for (let i = 0; i < 250 && b.services.auth.cachedBearer(secret); i++) await tick();
    expect(b.services.auth.cachedBearer(secret)).toBeUndefined();
    expect(await b.services.auth.fromBearerToken(secret)).toBeUndefined();
  }

  it("a revoked token stops being cached in a process sharing the in-process bus", async () => {
    const bus = new EventEmitter();
    const [a, b] = await twoProcesses([new MemoryPubSub(bus), new MemoryPubSub(bus)], "memory.db");
    try {
      await revokeReachesTheOther(a, b);
    } finally {
      await b.close();
      await a.close();
    }
  });

  it.skipIf(!redisUrl)("a revoked token stops being cached in another process over Redis", async () => {
    const prefix = `rltest_${process.pid}_${Date.now()}`;
    const buses: [PubSub, PubSub] = [
      new RedisPubSub({ url: redisUrl!, prefix }),
      new RedisPubSub({ url: redisUrl!, prefix }),
    ];
    const [a, b] = await twoProcesses(buses, "redis.db");
    try {
      await revokeReachesTheOther(a, b);
    } finally {
      await b.close();
      await a.close();
    }
  });
});

// Each change to a user, session or token must be visible on the very next request, although the
// credential was just used (so its principal is cached).
describe.each(ENGINES)("cached credentials follow every change at once (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine));
  });
  afterAll(() => t.close());

  const me = (token: string) =>
    t.app.inject({ method: "GET", url: "/api/me", headers: { authorization: `Bearer ${token}` } });
  const meByCookie = (cookie: string) =>
    t.app.inject({ method: "GET", url: "/api/me", cookies: { readlog_session: cookie } });
  async function login(email: string, password = PASSWORD) {
    const r = await t.app.inject({ method: "POST", url: "/api/auth/login", payload: { email, password } });
    expect(r.statusCode).toBe(200);
    return {
      cookie: r.cookies.find((c) => c.name === "readlog_session")!.value,
      csrf: r.json().csrfToken as string,
    };
  }

  it("is on by default", () => {
    expect(t.services.principals.enabled).toBe(true);
  });

  it("a revoked token stops working at once", async () => {
    const u = await newUser(t, { admin });
    const created = await u.request({
      method: "POST",
      url: "/api/tokens",
      payload: { name: "x", scopes: ["read"] },
    });
    const { token, id } = created.json();
    expect((await me(token)).statusCode).toBe(200);
    expect((await u.request({ method: "DELETE", url: `/api/tokens/${id}` })).statusCode).toBe(204);
    expect((await me(token)).statusCode).toBe(401);
    expect((await me(u.token)).statusCode).toBe(200);
  });

  it("disabling a user ends their cached token and session at once; enabling does not revive them", async () => {
    const u = await newUser(t, { admin });
    const s = await login(u.email);
    expect((await me(u.token)).statusCode).toBe(200);
    expect((await meByCookie(s.cookie)).statusCode).toBe(200);
    const patch = (disabled: boolean) =>
      admin.request({ method: "PATCH", url: `/api/admin/users/${u.userId}`, payload: { disabled } });
    expect((await patch(true)).statusCode).toBe(200);
    expect((await me(u.token)).statusCode).toBe(401);
    expect((await meByCookie(s.cookie)).statusCode).toBe(401);
    expect((await patch(false)).statusCode).toBe(200);
    expect((await me(u.token)).statusCode).toBe(401);
  });

  it("a demoted administrator's cached admin token loses the admin scope at once", async () => {
    const other = await newUser(t, { admin });
    const promote = (role: string) =>
      admin.request({ method: "PATCH", url: `/api/admin/users/${other.userId}`, payload: { role } });
    expect((await promote("admin")).statusCode).toBe(200);
    const s = await login(other.email);
    const minted = await t.app.inject({
      method: "POST",
      url: "/api/tokens",
      cookies: { readlog_session: s.cookie },
      headers: { "x-csrf-token": s.csrf },
      payload: { name: "adm", scopes: ["read", "admin"] },
    });
    const token = minted.json().token as string;
    const users = () =>
      t.app.inject({ method: "GET", url: "/api/admin/users", headers: { authorization: `Bearer ${token}` } });
    expect((await users()).statusCode).toBe(200);
    expect((await promote("member")).statusCode).toBe(200);
    expect((await users()).statusCode).toBe(403);
  });

  it("a new time zone or name is what the next request sees", async () => {
    const u = await newUser(t, { admin });
    expect((await me(u.token)).json().timezone).toBe("UTC");
    const r = await u.request({
      method: "PATCH",
      url: "/api/me",
      payload: { timezone: "Asia/Kolkata", name: "Asha" },
    });
    expect(r.statusCode).toBe(200);
    expect((await me(u.token)).json()).toMatchObject({ timezone: "Asia/Kolkata", name: "Asha" });
  });

  it("logout ends the cached session at once; a password change ends the other cached sessions", async () => {
    const u = await newUser(t, { admin });
    const a = await login(u.email);
    const b = await login(u.email);
    expect((await meByCookie(a.cookie)).statusCode).toBe(200);
    expect((await meByCookie(b.cookie)).statusCode).toBe(200);
    const out = await t.app.inject({
      method: "POST",
      url: "/api/auth/logout",
      cookies: { readlog_session: a.cookie },
      headers: { "x-csrf-token": a.csrf },
    });
    expect(out.statusCode).toBe(204);
    expect((await meByCookie(a.cookie)).statusCode).toBe(401);

    const c = await login(u.email);
    expect((await meByCookie(c.cookie)).statusCode).toBe(200);
    const changed = await t.app.inject({
      method: "POST",
      url: "/api/me/password",
      cookies: { readlog_session: b.cookie },
      headers: { "x-csrf-token": b.csrf },
      payload: { currentPassword: PASSWORD, newPassword: "another long passphrase 42" },
    });
    expect(changed.statusCode).toBe(204);
    expect((await meByCookie(c.cookie)).statusCode).toBe(401);
    expect((await meByCookie(b.cookie)).statusCode).toBe(200);
  });

  it("an expired token stops working at its expiry even while cached", async () => {
    const u = await newUser(t, { admin });
    const created = await u.request({
      method: "POST",
      url: "/api/tokens",
      payload: { name: "short", scopes: ["read"], expiresInDays: 1 },
    });
    const { token } = created.json();
    expect((await me(token)).statusCode).toBe(200);
    t.clock.advance(86_400_000);
    expect((await me(token)).statusCode).toBe(401);
  });
});
