import type { Static, TSchema } from "@sinclair/typebox";
import { type TypeCheck, TypeCompiler } from "@sinclair/typebox/compiler";
import type { Kysely, Selectable } from "kysely";
import type { Clock } from "../clock.js";
import { precompiledOn } from "../db/precompile.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import { newId } from "../ids.js";
import type { DomainEvent, EventDef } from "./event.js";
import type { EventsTable, EventTables } from "./events.tables.js";

export type CommittedHandler = (event: DomainEvent) => void | Promise<void>;

interface Log {
  error(obj: object, msg: string): void;
}

// Every write of the app records through this insert: compiled once per dialect.
const insertEvent = precompiledOn(
  (
    db: Kysely<EventTables>,
    p: {
      id: string;
      name: string;
      aggregate_id: string;
      owner_id: string | null;
      payload: string;
      at: string;
    },
  ) =>
    db.insertInto("events").values({
      id: p.id,
      name: p.name,
      aggregate_id: p.aggregate_id,
      owner_id: p.owner_id,
      payload: p.payload,
      created_at: p.at,
      published_at: null,
    }),
);

/** A row of the events table as the event it records. */
export function eventOfRow(r: Selectable<EventsTable>): DomainEvent {
  return {
    id: r.id,
    name: r.name,
    aggregateId: r.aggregate_id,
    ownerId: r.owner_id,
    payload: JSON.parse(r.payload),
    at: new Date(r.created_at).toISOString(),
  };
}

/**
 * Records domain events in the caller's transaction (the `events` table), so an event exists exactly when
 * the write it describes committed. After that commit, in this process, the `onCommitted` handlers run
 * (for what must be exact at once here: dropping cached credentials, waking the relay); the relay then
 * delivers every event durably to other processes and to job subscribers.
 */
export class EventLog {
  private readonly committed = new Map<string, CommittedHandler[]>();
  private readonly checks = new Map<string, TypeCheck<TSchema>>();

  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly log?: Log,
  ) {}

  /** Calls `handler` in this process after each commit that recorded an event named `name` ("*": every event). */
  onCommitted(name: string, handler: CommittedHandler): void {
    this.committed.set(name, [...(this.committed.get(name) ?? []), handler]);
  }

  /**
   * Records an event in the current transaction (opening one if there is none). Throws when the payload
   * does not match the event's schema: that is a programming error, and the write is rolled back with it.
   */
  async record<S extends TSchema>(
    def: EventDef<S>,
    payload: Static<S>,
    meta: { aggregateId: string; ownerId: string | null },
  ): Promise<DomainEvent<Static<S>>> {
    this.check(def, payload);
    const now = this.clock.now();
    const event: DomainEvent<Static<S>> = {
      id: newId(now.getTime()),
      name: def.name,
      aggregateId: meta.aggregateId,
      ownerId: meta.ownerId,
      payload,
      at: now.toISOString(),
    };
    await this.uow.transaction(async () => {
      await insertEvent(this.uow.db, {
        id: event.id,
        name: event.name,
        aggregate_id: event.aggregateId,
        owner_id: event.ownerId,
        payload: JSON.stringify(payload),
        at: event.at,
      });
      this.uow.afterCommit(() => this.afterCommit(event));
    });
    return event;
  }

  /**
   * Records several events in the current transaction with one INSERT per 500 (a bulk write's events):
   * every payload is checked first, so a bad one records none. Ids follow the order given.
   */
  async recordMany(
    events: ReadonlyArray<{
      def: EventDef<TSchema>;
      payload: unknown;
      meta: { aggregateId: string; ownerId: string | null };
    }>,
  ): Promise<DomainEvent[]> {
    const out: DomainEvent[] = [];
    for (const e of events) {
      this.check(e.def, e.payload);
      const now = this.clock.now();
      out.push({
        id: newId(now.getTime()),
        name: e.def.name,
        aggregateId: e.meta.aggregateId,
        ownerId: e.meta.ownerId,
        payload: e.payload,
        at: now.toISOString(),
      });
    }
    if (out.length === 0) return out;
    await this.uow.transaction(async () => {
      const db: Kysely<EventTables> = this.uow.db;
      for (let i = 0; i < out.length; i += 500)
        await db
          .insertInto("events")
          .values(
            out.slice(i, i + 500).map((e) => ({
              id: e.id,
              name: e.name,
              aggregate_id: e.aggregateId,
              owner_id: e.ownerId,
              payload: JSON.stringify(e.payload),
              created_at: e.at,
              published_at: null,
            })),
          )
          .execute();
      for (const e of out) this.uow.afterCommit(() => this.afterCommit(e));
    });
    return out;
  }

  private check(def: EventDef<TSchema>, payload: unknown): void {
    let check = this.checks.get(def.name);
    if (!check) {
      check = TypeCompiler.Compile(def.payload);
      this.checks.set(def.name, check);
    }
    if (!check.Check(payload)) {
      const first = [...check.Errors(payload)][0];
      throw new Error(
        `event ${def.name}: payload does not match its schema (${first?.path}: ${first?.message})`,
      );
    }
  }

  /**
   * The events of `ownerId` relayed after the event `afterId` (ids sort in the order events were recorded),
   * oldest first, at most `limit`: what a client that was away missed, while the relay keeps them.
   */
  async publishedSince(ownerId: string, afterId: string, limit: number): Promise<DomainEvent[]> {
    const db: Kysely<EventTables> = this.uow.db;
    const rows = await db
      .selectFrom("events")
      .selectAll()
      .where("owner_id", "=", ownerId)
      .where("id", ">", afterId)
      .where("published_at", "is not", null)
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map(eventOfRow);
  }

  private async afterCommit(event: DomainEvent): Promise<void> {
    for (const handler of [...(this.committed.get(event.name) ?? []), ...(this.committed.get("*") ?? [])]) {
      try {
        await handler(event);
      } catch (err) {
        this.log?.error({ err, event: event.name, eventId: event.id }, "after-commit event handler failed");
      }
    }
  }
}
