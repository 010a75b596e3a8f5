import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { type Config, testConfig } from "../../src/config.js";
import { createServices, type Services } from "../../src/container.js";
import { FakeClock } from "../../src/platform/clock.js";
import { buildServer } from "../../src/platform/http/server.js";
import { type EngineName, freshDatabase } from "./engines.js";

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  clock: FakeClock;
  config: Config;
  close(): Promise<void>;
}

/** The real application on a fresh database of the given engine, with a fake clock. */
export async function startTestApp(
  engine: EngineName = "sqlite",
  overrides: Partial<Config> = {},
): Promise<TestApp> {
  const config = testConfig({ database: await freshDatabase(engine), ...overrides });
  const clock = new FakeClock(new Date());
  const services = await createServices(config, { clock });
  const app = await buildServer(config, services);
  await app.ready();
  return {
    app,
    services,
    clock,
    config,
    async close() {
      await app.close();
      await services.pubsub.close();
      await services.database.close();
    },
  };
}

export interface Client {
  userId: string;
  email: string;
  token: string;
  /** Sends a request authenticated with this user's full-scope token. */
  request(opts: InjectOptions): Promise<LightMyRequestResponse>;
}

let counter = 0;
export const PASSWORD = "correct horse battery staple";

/**
 * Creates a user (the first one registers and becomes admin; later ones are created by `admin`) and
 * returns a client holding a token with every scope the user may have.
 */
export async function newUser(t: TestApp, opts: { admin?: Client; timezone?: string } = {}): Promise<Client> {
  const email = `user${++counter}-${Date.now()}@example.com`;
  const timezone = opts.timezone ?? "UTC";
  if (opts.admin) {
    const r = await opts.admin.request({
      method: "POST",
      url: "/api/admin/users",
      payload: { email, password: PASSWORD, timezone },
    });
    if (r.statusCode !== 201) throw new Error(`creating user failed: ${r.body}`);
  } else {
    const r = await t.app.inject({
      method: "POST",
      url: "/api/auth/register",
      payload: { email, password: PASSWORD, timezone },
    });
    if (r.statusCode !== 202) throw new Error(`register failed: ${r.body}`);
  }
  const login = await t.app.inject({
    method: "POST",
    url: "/api/auth/login",
    payload: { email, password: PASSWORD },
  });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.body}`);
  const { user, csrfToken } = login.json();
  const cookie = login.cookies.find((c) => c.name === "readlog_session")!.value;
  const scopes = user.role === "admin" ? ["read", "write", "admin"] : ["read", "write"];
  const created = await t.app.inject({
    method: "POST",
    url: "/api/tokens",
    cookies: { readlog_session: cookie },
    headers: { "x-csrf-token": csrfToken },
    payload: { name: "test", scopes },
  });
  if (created.statusCode !== 201) throw new Error(`token failed: ${created.body}`);
  const token = created.json().token as string;
  return {
    userId: user.id,
    email,
    token,
    request: (o) =>
      t.app.inject({
        ...o,
        headers: { ...(o.headers ?? {}), authorization: `Bearer ${token}` },
      } as InjectOptions),
  };
}

/** Starts an app whose first user (admin) exists; returns both. */
export async function appWithAdmin(engine: EngineName = "sqlite", overrides: Partial<Config> = {}) {
  const t = await startTestApp(engine, overrides);
  const admin = await newUser(t);
  return { t, admin };
}
