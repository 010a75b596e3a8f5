import type { Logger } from "pino";
import type { Config } from "../config.js";
import { GrantsRepo } from "../platform/access/grants.js";
import { AccessControl } from "../platform/access/policy.js";
import { type Clock, systemClock } from "../platform/clock.js";
import { type Database, openDatabase } from "../platform/db/database.js";
import { migrateToLatest } from "../platform/db/migrate.js";
import { UnitOfWork } from "../platform/db/unit-of-work.js";
import type { DomainEvent } from "../platform/events/event.js";
import { EventLog } from "../platform/events/event-log.js";
import { EVENTS_CHANNEL, EventRelay } from "../platform/events/event-relay.js";
import { Metrics } from "../platform/metrics.js";
import type {
  BuiltModule,
  ModuleContext,
  ModuleLog,
  NeededBy,
  ProvidedBy,
} from "../platform/module/module.js";
import { MemoryPubSub } from "../platform/pubsub/memory-pubsub.js";
import type { PubSub, Unsubscribe } from "../platform/pubsub/pubsub.js";
import type { Queue } from "../platform/queue/queue.js";
import { SqlQueue } from "../platform/queue/sql-queue.js";
import { allMigrations } from "./migrations.js";
import { MODULES } from "./modules.js";

type UnionToIntersection<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void
  ? I
  : never;
type Modules = typeof MODULES;

/** What the assembly gives every module besides the other modules' services. */
interface Given {
  config: Config;
  metrics: Metrics;
}

/** Every module's services, plus the configuration and the process's metrics. */
export type AppServices = UnionToIntersection<ProvidedBy<Modules[number]>> & Given;

/** Compile-time check that every module needs only what the assembly and the modules provide. */
type Unmet = {
  [K in keyof Modules]: AppServices extends NeededBy<Modules[K]> ? never : Modules[K];
}[number];
const everyNeedMet: [Unmet] extends [never] ? true : { unmet: Unmet } = true;
void everyNeedMet;

/** The assembled application: ports chosen once, every module built, ready for any role to start. */
export interface Assembly {
  config: Config;
  database: Database;
  uow: UnitOfWork;
  clock: Clock;
  pubsub: PubSub;
  queue: Queue;
  events: EventLog;
  relay: EventRelay;
  access: AccessControl;
  metrics: Metrics;
  log: ModuleLog;
  modules: readonly BuiltModule[];
  services: AppServices;
  /** Starts hearing relayed events (other processes' commits) for the modules that listen. Idempotent. */
  listen(): Promise<void>;
  /** Stops listening and releases every connection the assembly holds. */
  close(): Promise<void>;
}

const quiet: ModuleLog = { info() {}, warn() {}, error() {} };

function moduleLog(log: Partial<Logger> | undefined): ModuleLog {
  if (!log) return quiet;
  return {
    info: (obj, msg) => log.info?.(obj, msg),
    warn: (obj, msg) => log.warn?.(obj, msg),
    error: (obj, msg) => log.error?.(obj, msg),
  };
}

/**
 * The composition root: the only place adapters are chosen (SQLite or PostgreSQL; the SQL queue or BullMQ;
 * in-process or Redis pub/sub). Opens the database, applies every migration, then builds the modules in
 * list order and wires what each contributes: jobs into the queue, event subscribers into the relay,
 * after-commit handlers into the event log, policies into access control.
 */
export async function assemble(
  config: Config,
  opts: {
    clock?: Clock;
    log?: Partial<Logger>;
    migrate?: boolean;
    /** A bus to use instead of the configured one (tests stand several processes on one bus). */
    pubsub?: PubSub;
  } = {},
): Promise<Assembly> {
  const log = moduleLog(opts.log);
  const database = openDatabase(config);
  log.info(
    { database: database.kind, file: config.database.kind === "sqlite" ? config.database.file : undefined },
    "database adapter chosen",
  );
  if (opts.migrate !== false) {
    const applied = await migrateToLatest(database, allMigrations());
    if (applied.length > 0) log.info({ applied }, "migrations applied");
  }
  const clock = opts.clock ?? systemClock;
  const uow = new UnitOfWork(database.db, database.kind, { log });
  // ioredis and BullMQ (~20 MB) are loaded only when Redis is configured.
  const pubsub: PubSub = opts.pubsub
    ? opts.pubsub
    : config.redisUrl
      ? new (await import("../platform/pubsub/redis-pubsub.js")).RedisPubSub({ url: config.redisUrl, log })
      : new MemoryPubSub(undefined, log);
  log.info({ pubsub: pubsub.kind }, "pub/sub adapter chosen");
  // PostgreSQL without Redis keeps the SQL queue: see docs/adr/0004-queue-on-postgresql.md.
  const queue: Queue = config.redisUrl
    ? new (await import("../platform/queue/bullmq-queue.js")).BullMqQueue({
        backend: { kind: "redis", url: config.redisUrl },
        clock,
        log,
        uow,
      })
    : new SqlQueue(uow, { clock, log });
  log.info({ queue: queue.kind }, "job queue adapter chosen");
  const metrics = new Metrics(queue);
  metrics.instrument(queue);
  const events = new EventLog(uow, clock, log);
  const relay = new EventRelay({ uow, queue, pubsub, clock, log });
  events.onCommitted("*", () => relay.kick());
  const access = new AccessControl();
  const grants = new GrantsRepo(uow, clock);
  const ctx: ModuleContext = { uow, clock, queue, events, pubsub, access, grants, metrics, log };

  const bag: Record<string, unknown> = { config, metrics } satisfies Given;
  const modules: BuiltModule[] = [];
  for (const def of MODULES) {
    // A module reading a service that no module before it provides is a mistake in the list's order.
    const needs = new Proxy(bag, {
      get(target, key) {
        if (typeof key === "string" && !(key in target))
          throw new Error(`module "${def.name}" needs "${key}", which no module before it provides`);
        return target[key as string];
      },
    });
    const built = def.create(ctx, needs as never);
    for (const key of Object.keys(built.services))
      if (key in bag) throw new Error(`module "${def.name}" provides "${key}", which is provided already`);
    Object.assign(bag, built.services);
    modules.push({ ...built, name: def.name });
  }
  for (const m of modules) {
    for (const { job, handler } of m.jobs ?? []) queue.handle(job, handler);
    for (const sub of m.subscribers ?? []) relay.subscribe(sub);
    for (const c of m.committed ?? []) events.onCommitted(c.event, c.handle);
    if (m.policies) access.register(...m.policies);
  }
  for (const m of modules) m.assembled?.(modules);

  const relayed = new Map<string, ((e: DomainEvent) => void)[]>();
  for (const m of modules)
    for (const r of m.relayed ?? []) relayed.set(r.event, [...(relayed.get(r.event) ?? []), r.handle]);
  let unsubscribe: Unsubscribe | undefined;
  let closed = false;
  return {
    config,
    database,
    uow,
    clock,
    pubsub,
    queue,
    events,
    relay,
    access,
    metrics,
    log,
    modules,
    // Filled module by module above; the types say what each module provides (checked by `Unmet`).
    services: bag as unknown as AppServices,
    async listen() {
      if (unsubscribe || relayed.size === 0) return;
      unsubscribe = await pubsub.subscribe(EVENTS_CHANNEL, (message) => {
        const every = relayed.get("*") ?? [];
        for (const e of JSON.parse(message) as DomainEvent[])
          for (const handle of [...(relayed.get(e.name) ?? []), ...every]) handle(e);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await unsubscribe?.();
      await relay.stop();
      for (const m of [...modules].reverse()) await m.close?.();
      await queue.close();
      await pubsub.close();
      await database.close();
    },
  };
}
