import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  appWithAdmin,
  type Client,
  newUser,
  PASSWORD,
  startTestApp,
  type TestApp,
} from "../../../test/support/app.js";
import { ENGINES } from "../../../test/support/engines.js";
import { loadConfig } from "../../config.js";
import { sha256 } from "../../platform/secrets.js";

const json = { "content-type": "application/json" };

async function login(t: TestApp, email: string, password = PASSWORD, headers: Record<string, string> = {}) {
  return t.app.inject({ method: "POST", url: "/api/auth/login", payload: { email, password }, headers });
}

function sessionOf(r: { cookies: { name: string; value: string }[] }) {
  return r.cookies.find((c) => c.name === "readlog_session")?.value;
}

describe.each(ENGINES)("registration (%s)", (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(() => t.close());

  const register = (payload: Record<string, unknown>) =>
    t.app.inject({ method: "POST", url: "/api/auth/register", payload });

  it("makes the first account the administrator, then closes registration", async () => {
    expect((await register({ email: "Root@Example.com", password: PASSWORD })).statusCode).toBe(202);
    const r = await login(t, "root@example.com");
    expect(r.statusCode).toBe(200);
    expect(r.json().user.role).toBe("admin");
    const second = await register({ email: "second@example.com", password: PASSWORD });
    expect(second.statusCode).toBe(403);
    expect(second.headers["content-type"]).toContain("application/problem+json");
    expect(second.json().detail).toMatch(/closed/);
  });

  it("lets the admin open registration, making new accounts members", async () => {
    const admin = await login(t, "root@example.com");
    const cookie = sessionOf(admin)!;
    const put = await t.app.inject({
      method: "PUT",
      url: "/api/admin/settings",
      cookies: { readlog_session: cookie },
      headers: { "x-csrf-token": admin.json().csrfToken },
      payload: { registration: "open" },
    });
    expect(put.json()).toEqual({ registration: "open" });
    expect(
      (await register({ email: "member@example.com", password: PASSWORD, timezone: "Asia/Tokyo" }))
        .statusCode,
    ).toBe(202);
    const r = await login(t, "member@example.com");
    expect(r.json().user).toMatchObject({ role: "member", timezone: "Asia/Tokyo" });
  });

  it("answers the same for a taken email and keeps the original account untouched", async () => {
    const fresh = await register({ email: "dup@example.com", password: PASSWORD });
    const again = await register({ email: "DUP@example.com", password: "another long password" });
    expect(again.statusCode).toBe(fresh.statusCode);
    expect(again.body).toBe(fresh.body);
    expect((await login(t, "dup@example.com")).statusCode).toBe(200);
    expect((await login(t, "dup@example.com", "another long password")).statusCode).toBe(401);
    const rows = await t.services.db
      .selectFrom("users")
      .select("id")
      .where("email", "=", "dup@example.com")
      .execute();
    expect(rows).toHaveLength(1);
  });

  it("enforces the password policy: 8–256 characters and not a common password", async () => {
    const short = await register({ email: "p1@example.com", password: "short" });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors[0]).toMatchObject({ field: "/body/password", rule: "minLength" });
    const long = await register({ email: "p2@example.com", password: "x".repeat(257) });
    expect(long.json().errors[0]).toMatchObject({ field: "/body/password", rule: "maxLength" });
    const common = await register({ email: "p3@example.com", password: "password123" });
    expect(common.json().errors[0]).toMatchObject({ field: "/body/password", rule: "commonPassword" });
    // No composition rules: a long lowercase passphrase is fine, and so is a 256-character one.
    expect((await register({ email: "p4@example.com", password: "x".repeat(256) })).statusCode).toBe(202);
  });

  it("refuses an unknown time zone, naming the field", async () => {
    const r = await register({ email: "tz@example.com", password: PASSWORD, timezone: "Mars/Olympus" });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0]).toMatchObject({ field: "/body/timezone", rule: "timezone" });
    expect(await t.services.users.withSecretByEmail("tz@example.com")).toBeUndefined();
  });

  it("stores passwords with argon2id, m=19456 KiB, t=2, p=1", async () => {
    const row = await t.services.users.withSecretByEmail("member@example.com");
    expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it("supports invite-only registration with single-use codes", async () => {
    const admin = await login(t, "root@example.com");
    const auth = {
      cookies: { readlog_session: sessionOf(admin)! },
      headers: { "x-csrf-token": admin.json().csrfToken },
    };
    await t.app.inject({
      method: "PUT",
      url: "/api/admin/settings",
      ...auth,
      payload: { registration: "invite" },
    });
    expect((await register({ email: "inv@example.com", password: PASSWORD })).statusCode).toBe(403);
    const invite = await t.app.inject({ method: "POST", url: "/api/admin/invites", ...auth, payload: {} });
    expect(invite.statusCode).toBe(201);
    const { code } = invite.json();
    expect(
      (await register({ email: "inv@example.com", password: PASSWORD, inviteCode: code })).statusCode,
    ).toBe(202);
    expect((await login(t, "inv@example.com")).statusCode).toBe(200);
    expect(
      (await register({ email: "inv2@example.com", password: PASSWORD, inviteCode: code })).statusCode,
    ).toBe(403);
    const list = await t.app.inject({ method: "GET", url: "/api/admin/invites", ...auth });
    expect(list.json().items[0].usedAt).not.toBeNull();
    expect(JSON.stringify(list.json())).not.toContain(code);
  });

  it("rejects malformed JSON, wrong types, unknown fields and oversized bodies with problem+json", async () => {
    const bad = await t.app.inject({
      method: "POST",
      url: "/api/auth/register",
      headers: json,
      payload: "{oops",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().type).toBe("urn:readlog:problem:invalid-json");
    const types = await register({ email: 42, password: ["x"] });
    expect(types.statusCode).toBe(400);
    expect(
      types
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(["/body/email", "/body/password"]);
    const unknown = await register({ email: "u@example.com", password: PASSWORD, isAdmin: true });
    expect(unknown.json().errors).toEqual([
      { field: "/body/isAdmin", rule: "additionalProperties", message: "is not a known field" },
    ]);
    const huge = await t.app.inject({
      method: "POST",
      url: "/api/auth/register",
      headers: json,
      payload: JSON.stringify({ email: "h@example.com", password: "x".repeat(2 * 1024 * 1024) }),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.headers["content-type"]).toContain("application/problem+json");
  });
});

describe.each(ENGINES)("login, sessions and CSRF (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  let member: Client;
  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine, {
      loginMaxFailuresPerAccount: 3,
      loginMaxFailuresPerAddress: 5,
    }));
    member = await newUser(t, { admin });
  });
  afterAll(() => t.close());

  it("gives no hint whether an account exists", async () => {
    const unknown = await login(t, "nobody@example.com", "whatever password");
    const wrong = await login(t, admin.email, "wrong password!", { "x-forwarded-for": "1" });
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json().detail).toBe(wrong.json().detail);
    expect(unknown.json().title).toBe(wrong.json().title);
  });

  it("sets an HttpOnly, SameSite=Lax session cookie of 256 random bits, stored only as a hash", async () => {
    const r = await login(t, member.email);
    const c = r.cookies.find((x) => x.name === "readlog_session")!;
    expect(c.httpOnly).toBe(true);
    expect(c.sameSite).toBe("Lax");
    expect(c.secure).toBeFalsy();
    expect(Buffer.from(c.value, "base64url")).toHaveLength(32);
    const stored = await t.services.db.selectFrom("sessions").select("id_hash").execute();
    expect(stored.map((s) => s.id_hash)).toContain(sha256(c.value));
    expect(stored.map((s) => s.id_hash)).not.toContain(c.value);
  });

  it("marks cookies Secure behind an https proxy", async () => {
    const proxied = await startTestApp(engine, { trustProxy: true });
    await proxied.app.inject({
      method: "POST",
      url: "/api/auth/register",
      payload: { email: "s@example.com", password: PASSWORD },
    });
    const r = await login(proxied, "s@example.com", PASSWORD, { "x-forwarded-proto": "https" });
    expect(r.cookies.find((x) => x.name === "readlog_session")!.secure).toBe(true);
    await proxied.close();
  });

  it("issues a new session id at every login and ends the one presented", async () => {
    const first = await login(t, member.email);
    const old = sessionOf(first)!;
    const second = await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      cookies: { readlog_session: old },
      payload: { email: member.email, password: PASSWORD },
    });
    expect(sessionOf(second)).not.toBe(old);
    const me = await t.app.inject({ method: "GET", url: "/api/me", cookies: { readlog_session: old } });
    expect(me.statusCode).toBe(401);
  });

  it("ends the session at logout", async () => {
    const r = await login(t, member.email);
    const cookie = sessionOf(r)!;
    expect(
      (await t.app.inject({ method: "GET", url: "/api/me", cookies: { readlog_session: cookie } }))
        .statusCode,
    ).toBe(200);
    // A cookie-authenticated write like any other: without the CSRF header (a cross-site form) it is refused.
    const forged = await t.app.inject({
      method: "POST",
      url: "/api/auth/logout",
      cookies: { readlog_session: cookie },
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.headers["content-type"]).toContain("application/problem+json");
    expect(
      (await t.app.inject({ method: "GET", url: "/api/me", cookies: { readlog_session: cookie } }))
        .statusCode,
    ).toBe(200);
    const out = await t.app.inject({
      method: "POST",
      url: "/api/auth/logout",
      cookies: { readlog_session: cookie },
      headers: { "x-csrf-token": r.json().csrfToken },
    });
    expect(out.statusCode).toBe(204);
    expect(
      (await t.app.inject({ method: "GET", url: "/api/me", cookies: { readlog_session: cookie } }))
        .statusCode,
    ).toBe(401);
  });

  it("expires sessions after SESSION_TTL_DAYS", async () => {
    const r = await login(t, member.email);
    t.clock.advance(31 * 86_400_000);
    const me = await t.app.inject({
      method: "GET",
      url: "/api/me",
      cookies: { readlog_session: sessionOf(r)! },
    });
    expect(me.statusCode).toBe(401);
    t.clock.set(new Date());
  });

  it("requires the CSRF token on cookie-authenticated writes, but not on reads or Bearer requests", async () => {
    const r = await login(t, member.email);
    const cookies = { readlog_session: sessionOf(r)! };
    const noHeader = await t.app.inject({ method: "PATCH", url: "/api/me", cookies, payload: { name: "X" } });
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json().detail).toMatch(/x-csrf-token/);
    const wrong = await t.app.inject({
      method: "PATCH",
      url: "/api/me",
      cookies,
      headers: { "x-csrf-token": "0".repeat(64) },
      payload: { name: "X" },
    });
    expect(wrong.statusCode).toBe(403);
    const ok = await t.app.inject({
      method: "PATCH",
      url: "/api/me",
      cookies,
      headers: { "x-csrf-token": r.json().csrfToken },
      payload: { name: "X" },
    });
    expect(ok.statusCode).toBe(200);
    expect((await t.app.inject({ method: "GET", url: "/api/me", cookies })).statusCode).toBe(200);
    expect(
      (await member.request({ method: "PATCH", url: "/api/me", payload: { name: "Y" } })).statusCode,
    ).toBe(200);
  });

  it("limits failed logins per account, answering 429 with Retry-After", async () => {
    const victim = await newUser(t, { admin });
    for (let i = 0; i < 3; i++) {
      const r = await login(t, victim.email, "wrong password!", { "x-forwarded-for": `10.0.0.${i}` });
      expect(r.statusCode).toBe(401);
    }
    const blocked = await login(t, victim.email);
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    t.clock.advance(61 * 60_000);
    expect((await login(t, victim.email)).statusCode).toBe(200);
    t.clock.set(new Date());
  });

  it("limits failed logins per client address across accounts", async () => {
    const proxied = await startTestApp(engine, { trustProxy: true, loginMaxFailuresPerAddress: 2 });
    const h = { "x-forwarded-for": "203.0.113.9" };
    expect((await login(proxied, "a@example.com", "wrong password!", h)).statusCode).toBe(401);
    expect((await login(proxied, "b@example.com", "wrong password!", h)).statusCode).toBe(401);
    expect((await login(proxied, "c@example.com", "wrong password!", h)).statusCode).toBe(429);
    expect(
      (await login(proxied, "c@example.com", "wrong password!", { "x-forwarded-for": "203.0.113.10" }))
        .statusCode,
    ).toBe(401);
    await proxied.close();
  });
});

describe.each(ENGINES)("password change (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine));
  });
  afterAll(() => t.close());

  it("ends every other session, keeps this one and the API tokens", async () => {
    const user = await newUser(t, { admin });
    const a = await login(t, user.email);
    const b = await login(t, user.email);
    const change = await t.app.inject({
      method: "POST",
      url: "/api/me/password",
      cookies: { readlog_session: sessionOf(a)! },
      headers: { "x-csrf-token": a.json().csrfToken },
      payload: { currentPassword: PASSWORD, newPassword: "a brand new passphrase" },
    });
    expect(change.statusCode).toBe(204);
    expect(
      (await t.app.inject({ method: "GET", url: "/api/me", cookies: { readlog_session: sessionOf(a)! } }))
        .statusCode,
    ).toBe(200);
    expect(
      (await t.app.inject({ method: "GET", url: "/api/me", cookies: { readlog_session: sessionOf(b)! } }))
        .statusCode,
    ).toBe(401);
    expect((await user.request({ method: "GET", url: "/api/me" })).statusCode).toBe(200);
    expect((await login(t, user.email)).statusCode).toBe(401);
    expect((await login(t, user.email, "a brand new passphrase")).statusCode).toBe(200);
  });

  it("refuses a wrong current password and a weak new one", async () => {
    const user = await newUser(t, { admin });
    const wrong = await user.request({
      method: "POST",
      url: "/api/me/password",
      payload: { currentPassword: "not my password", newPassword: "a brand new passphrase" },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors[0].field).toBe("/body/currentPassword");
    const weak = await user.request({
      method: "POST",
      url: "/api/me/password",
      payload: { currentPassword: PASSWORD, newPassword: "qwerty123" },
    });
    expect(weak.json().errors[0]).toMatchObject({ field: "/body/newPassword", rule: "commonPassword" });
    expect((await login(t, user.email)).statusCode).toBe(200);
  });
});

describe.each(ENGINES)("login throttling: counted first, delays not locks (ADR 0401) (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine, {
      trustProxy: true,
      loginMaxFailuresPerAccount: 5,
      loginMaxFailuresPerAddress: 20,
    }));
  });
  afterAll(() => t.close());

  const from = (address: string, extra: Record<string, string> = {}) => ({
    "x-forwarded-for": address,
    ...extra,
  });
  const deviceOf = (r: { cookies: { name: string; value: string }[] }) =>
    r.cookies.find((c) => c.name === "readlog_device")?.value;

  it("counts every attempt before the password check: 150 concurrent guesses get 5 checks (was 149)", async () => {
    const victim = await newUser(t, { admin });
    const all = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        login(t, victim.email, `wrong password ${i}`, from(`198.51.100.${i}`)),
      ),
    );
    const codes = all.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401)).toHaveLength(5);
    expect(codes.filter((c) => c === 429)).toHaveLength(145);
    for (const r of all.filter((x) => x.statusCode === 429)) {
      expect(r.headers["content-type"]).toContain("application/problem+json");
      expect(Number(r.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    }
  });

  it("counts per address the same way: 60 concurrent guesses from one address get 20 checks (was 60)", async () => {
    const all = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        login(t, `nobody${i}@example.com`, "wrong password!", from("203.0.113.50")),
      ),
    );
    expect(all.filter((r) => r.statusCode === 401)).toHaveLength(20);
    expect(all.filter((r) => r.statusCode === 429)).toHaveLength(40);
  });

  it("never locks the owner out: strangers' guesses wait growing delays, the owner's device gets in", async () => {
    const owner = await newUser(t, { admin });
    const first = await login(t, owner.email, PASSWORD, from("192.0.2.1"));
    const device = deviceOf(first)!;
    expect(first.cookies.find((c) => c.name === "readlog_device")).toMatchObject({
      httpOnly: true,
      sameSite: "Strict",
      path: "/api/auth",
    });
    // 50 wrong logins from 50 addresses: after 5, each further attempt waits 1 s, 2 s, 4 s…
    for (let i = 0; i < 50; i++) await login(t, owner.email, "wrong password!", from(`10.9.0.${i}`));
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await login(t, owner.email, "wrong password!", from("10.9.1.1"));
      expect(r.statusCode).toBe(429);
      const wait = Number(r.headers["retry-after"]);
      waits.push(wait);
      t.clock.advance(wait * 1000);
      expect((await login(t, owner.email, "wrong password!", from("10.9.1.2"))).statusCode).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4, 8]);
    // The owner, from the device that logged in before, with the right password: in at once.
    const back = await login(
      t,
      owner.email,
      PASSWORD,
      from("10.9.1.3", { cookie: `readlog_device=${device}` }),
    );
    expect(back.statusCode, back.body).toBe(200);
    expect(deviceOf(back)).toBe(device);
    // A new device waits the delay (not an hour), then the right password works and that device is known.
    const fresh = await login(t, owner.email, PASSWORD, from("10.9.1.4"));
    expect(fresh.statusCode).toBe(429);
    expect(Number(fresh.headers["retry-after"])).toBeLessThanOrEqual(16);
    t.clock.advance(Number(fresh.headers["retry-after"]) * 1000);
    const later = await login(t, owner.email, PASSWORD, from("10.9.1.4"));
    expect(later.statusCode).toBe(200);
    expect(deviceOf(later)).not.toBe(device);
    t.clock.set(new Date());
  });

  it("counts a known device's wrong passwords on that device alone, and a device cookie of another account is no help", async () => {
    const owner = await newUser(t, { admin });
    const other = await newUser(t, { admin });
    const device = deviceOf(await login(t, owner.email, PASSWORD, from("192.0.2.7")))!;
    const cookie = { cookie: `readlog_device=${device}` };
    for (let i = 0; i < 10; i++)
      expect((await login(t, owner.email, "wrong password!", from("192.0.2.7", cookie))).statusCode).toBe(
        401,
      );
    expect((await login(t, owner.email, PASSWORD, from("192.0.2.7", cookie))).statusCode).toBe(429);
    // The account itself was not throttled by the device's mistakes.
    expect((await login(t, owner.email, PASSWORD, from("192.0.2.8"))).statusCode).toBe(200);
    for (let i = 0; i < 5; i++) await login(t, other.email, "wrong password!", from(`10.8.0.${i}`));
    expect((await login(t, other.email, PASSWORD, from("10.8.1.1", cookie))).statusCode).toBe(429);
  });

  it("lets a known device in from an address over its limit; the address limit is far above the account's", async () => {
    const owner = await newUser(t, { admin });
    const device = deviceOf(await login(t, owner.email, PASSWORD, from("203.0.113.99")))!;
    for (let i = 0; i < 25; i++)
      await login(t, `spray${i}@example.com`, "wrong password!", from("203.0.113.99"));
    expect((await login(t, owner.email, PASSWORD, from("203.0.113.99"))).statusCode).toBe(429);
    const known = await login(
      t,
      owner.email,
      PASSWORD,
      from("203.0.113.99", { cookie: `readlog_device=${device}` }),
    );
    expect(known.statusCode).toBe(200);
    const defaults = loadConfig({});
    expect(defaults.loginMaxFailuresPerAddress).toBeGreaterThanOrEqual(
      10 * defaults.loginMaxFailuresPerAccount,
    );
  });

  it("prunes windows that ended, so the throttle table only holds live ones", async () => {
    const rows = () => t.services.db.selectFrom("login_attempts").select("key").execute();
    for (let i = 0; i < 5; i++)
      await login(t, `gone${i}@example.com`, "wrong password!", from(`10.7.0.${i}`));
    expect((await rows()).length).toBeGreaterThan(5);
    t.clock.advance(2 * 3600_000);
    await login(t, "late@example.com", "wrong password!", from("10.7.9.9"));
    expect((await rows()).map((r) => r.key).sort()).toEqual(["acct:late@example.com", "addr:10.7.9.9"]);
    t.clock.set(new Date());
  });
});

describe("security headers", () => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin());
  });
  afterAll(() => t.close());

  it("sends Cache-Control: no-store and X-Content-Type-Options: nosniff with authenticated and auth answers", async () => {
    const answers = [
      await admin.request({ method: "GET", url: "/api/me" }),
      await admin.request({ method: "GET", url: "/api/books" }),
      await admin.request({ method: "GET", url: "/api/books/nope" }),
      await t.app.inject({ method: "GET", url: "/api/me" }),
      await login(t, admin.email),
    ];
    for (const r of answers) {
      expect(r.headers["cache-control"], r.body).toBe("no-store");
      expect(r.headers["x-content-type-options"]).toBe("nosniff");
    }
  });
});
