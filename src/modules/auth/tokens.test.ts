import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { ENGINES } from "../../../test/support/engines.js";
import { sha256 } from "../../platform/secrets.js";

describe.each(ENGINES)("personal API tokens (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  let member: Client;
  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine));
    member = await newUser(t, { admin });
  });
  afterAll(() => t.close());

  const create = (c: Client, payload: Record<string, unknown>) =>
    c.request({ method: "POST", url: "/api/tokens", payload });
  const bearer = (token: string, method: "GET" | "PATCH", url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });

  it("shows the secret once and stores only its hash", async () => {
    const r = await create(member, { name: "laptop", scopes: ["read"] });
    expect(r.statusCode).toBe(201);
    const { token, id, prefix } = r.json();
    expect(token).toMatch(/^rl_[\w-]{43}$/);
    expect(token.startsWith(prefix)).toBe(true);
    const list = await member.request({ method: "GET", url: "/api/tokens" });
    expect(JSON.stringify(list.json())).not.toContain(token);
    expect(list.json().items.find((x: { id: string }) => x.id === id)).toMatchObject({
      name: "laptop",
      scopes: ["read"],
    });
    const row = await t.services.db
      .selectFrom("api_tokens")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(sha256(token));
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it("enforces scopes: read cannot write, write cannot administer", async () => {
    const read = (await create(member, { name: "r", scopes: ["read"] })).json().token;
    expect((await bearer(read, "GET", "/api/me")).statusCode).toBe(200);
    const denied = await bearer(read, "PATCH", "/api/me", { name: "nope" });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().detail).toMatch(/write/);
    const write = (await create(admin, { name: "w", scopes: ["read", "write"] })).json().token;
    expect((await bearer(write, "GET", "/api/admin/users")).statusCode).toBe(403);
    const adm = (await create(admin, { name: "a", scopes: ["read", "admin"] })).json().token;
    expect((await bearer(adm, "GET", "/api/admin/users")).statusCode).toBe(200);
  });

  it("never grants more than the creator holds", async () => {
    const r = await create(member, { name: "x", scopes: ["admin"] });
    expect(r.statusCode).toBe(403);
    const readOnly = (await create(member, { name: "r", scopes: ["read", "write"] })).json().token;
    const escalate = await t.app.inject({
      method: "POST",
      url: "/api/tokens",
      headers: { authorization: `Bearer ${readOnly}` },
      payload: { name: "more", scopes: ["admin"] },
    });
    expect(escalate.statusCode).toBe(403);
  });

  it("records the last-used time, at most once a minute", async () => {
    const { token, id } = (await create(member, { name: "used", scopes: ["read"] })).json();
    const before = (await member.request({ method: "GET", url: "/api/tokens" }))
      .json()
      .items.find((x: { id: string }) => x.id === id);
    expect(before.lastUsedAt).toBeNull();
    await bearer(token, "GET", "/api/me");
    const after = (await member.request({ method: "GET", url: "/api/tokens" }))
      .json()
      .items.find((x: { id: string }) => x.id === id);
    expect(after.lastUsedAt).toBe(t.clock.now().toISOString());
  });

  it("stops working once revoked or expired", async () => {
    const { token, id } = (await create(member, { name: "gone", scopes: ["read"] })).json();
    expect((await member.request({ method: "DELETE", url: `/api/tokens/${id}` })).statusCode).toBe(204);
    const r = await bearer(token, "GET", "/api/me");
    expect(r.statusCode).toBe(401);
    expect(r.headers["www-authenticate"]).toContain("invalid_token");
    expect((await member.request({ method: "DELETE", url: `/api/tokens/${id}` })).statusCode).toBe(204);

    const short = (await create(member, { name: "short", scopes: ["read"], expiresInDays: 1 })).json().token;
    expect((await bearer(short, "GET", "/api/me")).statusCode).toBe(200);
    t.clock.advance(2 * 86_400_000);
    expect((await bearer(short, "GET", "/api/me")).statusCode).toBe(401);
    t.clock.set(new Date());
  });

  it("answers 401 to malformed or unknown credentials", async () => {
    for (const authorization of ["Bearer", "Basic abc", "Bearer rl_nope", "Bearer a b"]) {
      const r = await t.app.inject({ method: "GET", url: "/api/me", headers: { authorization } });
      expect(r.statusCode, authorization).toBe(401);
      expect(r.headers["content-type"]).toContain("application/problem+json");
    }
  });

  it("validates the token request", async () => {
    const r = await create(member, { name: "", scopes: ["read", "read", "root"] });
    expect(r.statusCode).toBe(400);
    const fields = r.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toContain("/body/name");
    expect(fields.some((f: string) => f.startsWith("/body/scopes"))).toBe(true);
  });
});
