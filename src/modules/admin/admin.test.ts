import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, PASSWORD, type TestApp } from "../../../test/support/app.js";
import { ENGINES } from "../../../test/support/engines.js";

describe.each(ENGINES)("administration (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine));
  });
  afterAll(() => t.close());

  const login = (email: string) =>
    t.app.inject({ method: "POST", url: "/api/auth/login", payload: { email, password: PASSWORD } });

  it("lists users with cursor pagination", async () => {
    for (let i = 0; i < 3; i++) await newUser(t, { admin });
    const first = await admin.request({ method: "GET", url: "/api/admin/users?limit=2" });
    expect(first.json().items).toHaveLength(2);
    const next = first.json().nextCursor;
    expect(next).toBeTypeOf("string");
    const second = await admin.request({ method: "GET", url: `/api/admin/users?limit=2&cursor=${next}` });
    const ids = [...first.json().items, ...second.json().items].map((u: { id: string }) => u.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(second.json().items.length).toBeGreaterThan(0);
  });

  it("creates users, refusing a duplicate email with 409", async () => {
    const payload = {
      email: "made@example.com",
      password: PASSWORD,
      role: "member",
      timezone: "Europe/Paris",
    };
    const r = await admin.request({ method: "POST", url: "/api/admin/users", payload });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ email: "made@example.com", role: "member", timezone: "Europe/Paris" });
    expect((await admin.request({ method: "POST", url: "/api/admin/users", payload })).statusCode).toBe(409);
  });

  it("disabling a user ends their sessions and tokens at once", async () => {
    const victim = await newUser(t, { admin });
    const session = (await login(victim.email)).cookies.find((c) => c.name === "readlog_session")!.value;
    const r = await admin.request({
      method: "PATCH",
      url: `/api/admin/users/${victim.userId}`,
      payload: { disabled: true },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().disabledAt).not.toBeNull();
    expect((await victim.request({ method: "GET", url: "/api/me" })).statusCode).toBe(401);
    expect(
      (await t.app.inject({ method: "GET", url: "/api/me", cookies: { readlog_session: session } }))
        .statusCode,
    ).toBe(401);
    // The right password of a disabled account answers exactly as a wrong one: nothing tells them apart.
    const again = await login(victim.email);
    const wrongPassword = await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: victim.email, password: "not the password" },
    });
    expect(wrongPassword.statusCode).toBe(401);
    expect(again.statusCode).toBe(401);
    expect(again.body).toBe(wrongPassword.body);
    await admin.request({
      method: "PATCH",
      url: `/api/admin/users/${victim.userId}`,
      payload: { disabled: false },
    });
    expect((await login(victim.email)).statusCode).toBe(200);
    expect((await victim.request({ method: "GET", url: "/api/me" })).statusCode).toBe(401);
  });

  it("keeps at least one active administrator", async () => {
    const self = await admin.request({
      method: "PATCH",
      url: `/api/admin/users/${admin.userId}`,
      payload: { role: "member" },
    });
    expect(self.statusCode).toBe(400);
    expect(self.json().detail).toMatch(/last active administrator/);
  });

  it("is for administrators only", async () => {
    const member = await newUser(t, { admin });
    for (const [method, url] of [
      ["GET", "/api/admin/users"],
      ["POST", "/api/admin/users"],
      ["GET", "/api/admin/settings"],
      ["PUT", "/api/admin/settings"],
    ] as const) {
      const r = await member.request({ method, url, ...(method === "GET" ? {} : { payload: {} }) });
      expect(r.statusCode, `${method} ${url}`).toBe(403);
    }
  });

  it("answers 404 for an unknown user and validates the patch", async () => {
    const missing = await admin.request({
      method: "PATCH",
      url: "/api/admin/users/00000000-0000-7000-8000-000000000000",
      payload: { disabled: true },
    });
    expect(missing.statusCode).toBe(404);
    const empty = await admin.request({
      method: "PATCH",
      url: `/api/admin/users/${admin.userId}`,
      payload: {},
    });
    expect(empty.statusCode).toBe(400);
    const bad = await admin.request({
      method: "PATCH",
      url: `/api/admin/users/${admin.userId}`,
      payload: { role: "root" },
    });
    expect(bad.statusCode).toBe(400);
  });
});
