import type { Server } from "node:http";
import type { TSchema } from "@sinclair/typebox";
import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import type { GrantsRepo } from "../access/grants.js";
import type { AccessControl, ResourcePolicy } from "../access/policy.js";
import type { Clock } from "../clock.js";
import type { Migrations } from "../db/migration.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import type { DomainEvent } from "../events/event.js";
import type { CommittedHandler, EventLog } from "../events/event-log.js";
import type { EventSubscriber } from "../events/event-relay.js";
import type { Metrics } from "../metrics.js";
import type { DerivedTable, ExportedTable } from "../portability/exported-table.js";
import type { PubSub } from "../pubsub/pubsub.js";
import type { JobDef, JobHandler, Queue } from "../queue/queue.js";

export interface ModuleLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** The platform every module is built on: ports chosen once by the assembly, shared by all modules. */
export interface ModuleContext {
  readonly uow: UnitOfWork;
  readonly clock: Clock;
  readonly queue: Queue;
  readonly events: EventLog;
  readonly pubsub: PubSub;
  readonly access: AccessControl;
  readonly grants: GrantsRepo;
  /** This process's Prometheus registry: modules add their own counters. */
  readonly metrics: Pick<Metrics, "counter">;
  readonly log: ModuleLog;
}

/** A job type with its handler, as a module contributes it. */
export interface JobBinding {
  readonly job: JobDef;
  readonly handler: JobHandler;
}

export function bindJob<S extends TSchema>(job: JobDef<S>, handler: JobHandler<S>): JobBinding {
  return { job, handler: handler as JobHandler };
}

/** Background work of a process role (e.g. the reminder scheduler runs in the `scheduler` role). */
export interface BackgroundTask {
  readonly role: string;
  start(): void | Promise<void>;
  stop(): Promise<void>;
}

/**
 * Something served on the process's HTTP server beside the routes (WebSockets), by the role named: the
 * role's process attaches it to its server (the API's, or a bare one when the role runs alone).
 */
export interface ServerAttachment {
  readonly role: string;
  attach(server: Server): void | Promise<void>;
  /** Closes what it attached (open connections first), before the server itself closes. */
  close(): Promise<void>;
}

/**
 * What a built module contributes. Every part is optional; the assembly iterates the module list and
 * wires each part where it belongs (routes into the HTTP server, jobs into the queue, subscribers into the
 * event relay, policies into access control, tasks into their role). Modules that collect parts of others
 * (text commands, export tables) declare those parts by augmenting this interface and read them in
 * `assembled`.
 */
export interface ModuleParts {
  /** HTTP routes: a Fastify plugin registered by the api role. */
  routes?: FastifyPluginAsync;
  /** Shared schemas (with `$id`) that routes refer to with Type.Ref. */
  schemas?: readonly TSchema[];
  /** Hooks on the root HTTP instance (e.g. authentication), installed before any module's routes. */
  httpHooks?(app: FastifyInstance): void;
  jobs?: readonly JobBinding[];
  /** Durable event consumers: each runs as a job per event, at least once. */
  subscribers?: readonly EventSubscriber[];
  /** In-process, right after the commit that recorded the event (caches, wake-ups): best effort. */
  committed?: ReadonlyArray<{ event: string; handle: CommittedHandler }>;
  /** Every process, for each relayed event heard over pub/sub (e.g. caches in other processes; "*": every event). */
  relayed?: ReadonlyArray<{ event: string; handle: (event: DomainEvent) => void }>;
  policies?: readonly ResourcePolicy[];
  /** What users own in this module's tables, for the full export and its restore (parents first). */
  exportTables?: readonly ExportedTable[];
  /** Tables derived from the exported ones, rebuilt by a restore. */
  derivedTables?: readonly DerivedTable[];
  tasks?: readonly BackgroundTask[];
  attachments?: readonly ServerAttachment[];
  /** Called once every module is built, with all of them (to collect what other modules contribute). */
  assembled?(all: readonly BuiltModule[]): void;
  /** Releases what the module holds (connections, timers) when the process stops. */
  close?(): Promise<void>;
}

/** A module after `create`: its name, the services it offers to later modules, and its parts. */
export interface BuiltModule<P extends object = object> extends ModuleParts {
  readonly name: string;
  readonly services: P;
}

/**
 * One capability, declared in one file (`src/modules/<area>/index.ts`): its tables' migrations and how to
 * build it from the platform and the services of the modules it needs (listed before it in the app's
 * module list). Adding a module is its folder plus one line in that list.
 */
export interface ModuleDefinition<P extends object = object, N extends object = object> {
  readonly name: string;
  /** Migrations this module owns: names are global, stable forever, and sort in the order they apply. */
  readonly migrations?: Migrations;
  create(ctx: ModuleContext, needs: N): ModuleParts & { services: P };
}

/** Declares a module (types flow from `create`: what it needs, what it provides). */
export function defineModule<P extends object, N extends object>(
  def: ModuleDefinition<P, N>,
): ModuleDefinition<P, N> {
  return def;
}

export type ProvidedBy<M> = M extends ModuleDefinition<infer P, infer _N> ? P : never;
export type NeededBy<M> = M extends ModuleDefinition<infer _P, infer N> ? N : never;
