import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, startTestApp, type TestApp } from "../../../test/support/app.js";
import { ENGINES } from "../../../test/support/engines.js";

describe.each(ENGINES)("GET /api/auth/registration (%s)", (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(() => t.close());

  const mode = async () => {
    const r = await t.app.inject({ method: "GET", url: "/api/auth/registration" });
    expect(r.statusCode, r.body).toBe(200);
    return r.json().mode;
  };

  it("tells a sign-up page, without a session, whether registration is bootstrap, closed, invite or open", async () => {
    expect(await mode()).toBe("bootstrap");
    await t.app.inject({
      method: "POST",
      url: "/api/auth/register",
      payload: { email: "root@example.com", password: PASSWORD },
    });
    expect(await mode()).toBe("closed");
    const login = await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: "root@example.com", password: PASSWORD },
    });
    const cookie = login.cookies.find((c) => c.name === "readlog_session")!.value;
    for (const registration of ["invite", "open"] as const) {
      const put = await t.app.inject({
        method: "PUT",
        url: "/api/admin/settings",
        cookies: { readlog_session: cookie },
        headers: { "x-csrf-token": login.json().csrfToken },
        payload: { registration },
      });
      expect(put.statusCode).toBe(200);
      expect(await mode()).toBe(registration);
    }
  });
});
