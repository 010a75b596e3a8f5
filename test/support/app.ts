import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { type AppServices, type Assembly, assemble } from "../../src/app/assemble.js";
import { buildHttpApp } from "../../src/app/http.js";
import { type Config, testConfig } from "../../src/config.js";
import { FakeClock } from "../../src/platform/clock.js";
import type { Database } from "../../src/platform/db/database.js";
import type { UnitOfWork } from "../../src/platform/db/unit-of-work.js";
import type { EventRelay } from "../../src/platform/events/event-relay.js";
import type { PubSub } from "../../src/platform/pubsub/pubsub.js";
import type { Queue } from "../../src/platform/queue/queue.js";
import { SqlQueue } from "../../src/platform/queue/sql-queue.js";
import { type EngineName, freshDatabase } from "./engines.js";

/** The modules' services plus the platform's ports, for tests that reach below the API. */
export type TestServices = AppServices & {
  database: Database;
  db: Database["db"];
  uow: UnitOfWork;
  queue: Queue;
  relay: EventRelay;
  pubsub: PubSub;
  clock: FakeClock;
};

export interface TestApp {
  app: FastifyInstance;
  assembly: Assembly;
  services: TestServices;
  clock: FakeClock;
  config: Config;
  /**
   * Lets background work finish as it would in a running server: relays every committed event and runs
   * every job due now (review cards after a finish, sends of queued messages, …), until nothing is left.
   */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** The real application on a fresh database of the given engine, with a fake clock. */
export async function startTestApp(
  engine: EngineName = "sqlite",
  overrides: Partial<Config> = {},
): Promise<TestApp> {
  const config = testConfig({ database: await freshDatabase(engine), ...overrides });
  const clock = new FakeClock(new Date());
  const assembly = await assemble(config, { clock });
  await assembly.listen();
  const app = await buildHttpApp(assembly);
  await app.ready();
  const services: TestServices = {
    ...assembly.services,
    database: assembly.database,
    db: assembly.database.db,
    uow: assembly.uow,
    queue: assembly.queue,
    relay: assembly.relay,
    pubsub: assembly.pubsub,
    clock,
  };
  return {
    app,
    assembly,
    services,
    clock,
    config,
    async settle() {
      const queue = assembly.queue;
      for (let round = 0; round < 50; round++) {
        await assembly.relay.drain();
        const ran = queue instanceof SqlQueue ? await queue.runDue() : 0;
        const left = await assembly.database.db
          .selectFrom("events")
          .select("id")
          .where("published_at", "is", null)
          .limit(1)
          .execute();
        if (ran === 0 && left.length === 0) return;
      }
      throw new Error("settle: background work did not come to rest after 50 rounds");
    },
    async close() {
      await app.close();
      await assembly.close();
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
export async function newUser(
  t: TestApp,
  opts: { admin?: Client; timezone?: string; email?: string } = {},
): Promise<Client> {
  const email = opts.email ?? `user${++counter}-${Date.now()}@example.com`;
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
