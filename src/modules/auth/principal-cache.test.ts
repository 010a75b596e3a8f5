import { EventEmitter } from "node:events";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { appWithAdmin, type Client, newUser, PASSWORD, type TestApp } from "../../../test/support/app.js";
import { ENGINES } from "../../../test/support/engines.js";
import { FakeClock } from "../../platform/clock.js";
import { MemoryPubSub } from "../../platform/pubsub/memory-pubsub.js";
import { RedisPubSub } from "../../platform/pubsub/redis-pubsub.js";
import type { UserRow } from "../users/users.repo.js";
import type { Principal } from "./principal.js";
import { PrincipalCache } from "./principal-cache.js";

const principal = (userId: string): Principal => ({
  user: { id: userId } as UserRow,
  scopes: ["read"],
  via: "token",
  tokenId: `tok-${userId}`,
});
const tick = () => new Promise((r) => setTimeout(r, 20));

describe("PrincipalCache", () => {
  it("keeps an entry for the TTL, never past the credential's own expiry", () => {
    const clock = new FakeClock("2026-03-01T10:00:00Z");
    const cache = new PrincipalCache({ ttlMs: 10_000, clock, pubsub: new MemoryPubSub() });
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
    const cache = new PrincipalCache({ ttlMs: 0, clock: new FakeClock(), pubsub: new MemoryPubSub() });
    const entry = cache.set("a", principal("u1"), null, 0);
    expect(entry.principal.user.id).toBe("u1");
    expect(cache.get("a")).toBeUndefined();
  });

  it("freezes what it shares between requests", () => {
    const cache = new PrincipalCache({ ttlMs: 1000, clock: new FakeClock(), pubsub: new MemoryPubSub() });
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
      pubsub: new MemoryPubSub(),
    });
    cache.set("a", principal("u1"), null, 0);
    cache.set("b", principal("u2"), null, 0);
    cache.get("a");
    cache.set("c", principal("u3"), null, 0);
    expect(cache.get("a")).toBeDefined();
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("c")).toBeDefined();
  });

  it("forgets a changed user here at once and in every process sharing the bus", async () => {
    const bus = new EventEmitter();
    const clock = new FakeClock();
    const here = new PrincipalCache({ ttlMs: 60_000, clock, pubsub: new MemoryPubSub(bus) });
    const there = new PrincipalCache({ ttlMs: 60_000, clock, pubsub: new MemoryPubSub(bus) });
    await here.start();
    await there.start();
    for (const c of [here, there]) {
      c.set("t1", principal("u1"), null, 0);
      c.set("s1", principal("u1"), null, 0);
      c.set("t2", principal("u2"), null, 0);
    }
    await here.userChanged("u1");
    expect(here.get("t1")).toBeUndefined();
    expect(here.get("s1")).toBeUndefined();
    await tick();
    expect(there.get("t1")).toBeUndefined();
    expect(there.get("s1")).toBeUndefined();
    expect(there.get("t2")).toBeDefined();
    expect(here.get("t2")).toBeDefined();
    await there.stop();
    await here.stop();
  });

  const redisUrl = inject("redisUrl");
  it.skipIf(!redisUrl)("forgets a changed user in another process over Redis", async () => {
    const prefix = `rltest_${process.pid}_${Date.now()}`;
    const clock = new FakeClock();
    const [a, b] = [new RedisPubSub({ url: redisUrl!, prefix }), new RedisPubSub({ url: redisUrl!, prefix })];
    const here = new PrincipalCache({ ttlMs: 60_000, clock, pubsub: a });
    const there = new PrincipalCache({ ttlMs: 60_000, clock, pubsub: b });
    await there.start();
    there.set("t1", principal("u1"), null, 0);
    await here.userChanged("u1");
    for (let i = 0; i < 100 && there.get("t1"); i++) await tick();
    expect(there.get("t1")).toBeUndefined();
    await there.stop();
    await Promise.all([a.close(), b.close()]);
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
