import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, type TestApp } from "../../../test/support/app.js";
import { ENGINES } from "../../../test/support/engines.js";

describe.each(ENGINES)("the current user (%s)", (engine) => {
  let t: TestApp;
  let me: Client;
  beforeAll(async () => {
    ({ t, admin: me } = await appWithAdmin(engine));
  });
  afterAll(() => t.close());

  it("returns the profile without secrets", async () => {
    const r = await me.request({ method: "GET", url: "/api/me" });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ id: me.userId, email: me.email, role: "admin", timezone: "UTC" });
    expect(r.body).not.toContain("argon2");
  });

  it("changes name and IANA time zone", async () => {
    const r = await me.request({
      method: "PATCH",
      url: "/api/me",
      payload: { name: "Ada", timezone: "America/New_York" },
    });
    expect(r.json()).toMatchObject({ name: "Ada", timezone: "America/New_York" });
  });

  it("refuses unknown or offset-style time zones, naming the field", async () => {
    for (const timezone of ["Mars/Base", "+02:00", "UTC+2", "", "Europe/Paris; drop table users"]) {
      const r = await me.request({ method: "PATCH", url: "/api/me", payload: { timezone } });
      expect(r.statusCode, timezone).toBe(400);
      expect(r.json().errors[0].field, timezone).toBe("/body/timezone");
    }
    expect((await me.request({ method: "GET", url: "/api/me" })).json().timezone).toBe("America/New_York");
  });

  it("refuses an empty patch and unknown fields", async () => {
    expect((await me.request({ method: "PATCH", url: "/api/me", payload: {} })).statusCode).toBe(400);
    const r = await me.request({ method: "PATCH", url: "/api/me", payload: { role: "admin" } });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0]).toMatchObject({ field: "/body/role", rule: "additionalProperties" });
  });

  it("answers unknown routes with a problem document", async () => {
    const r = await me.request({ method: "GET", url: "/api/nope" });
    expect(r.statusCode).toBe(404);
    expect(r.headers["content-type"]).toContain("application/problem+json");
  });
});
