import type { Static, TSchema } from "@sinclair/typebox";

/** A kind of domain event, declared once by the module that records it (name `<area>.<what happened>`). */
export interface EventDef<S extends TSchema = TSchema> {
  readonly name: string;
  readonly payload: S;
}

/** One recorded event. */
export interface DomainEvent<P = unknown> {
  /** Sortable id (UUIDv7): the order events were recorded in. */
  id: string;
  name: string;
  /** The object the event is about (e.g. the book); events of one aggregate are delivered in order. */
  aggregateId: string;
  /** The user whose data changed (whose open clients hear of it); null for system events. */
  ownerId: string | null;
  payload: P;
  /** When it was recorded (RFC 3339). */
  at: string;
}

export type EventOf<D> = D extends EventDef<infer S> ? DomainEvent<Static<S>> : never;

const EVENT_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

/** Declares an event kind; checks its name at import time. */
export function defineEvent<S extends TSchema>(name: string, payload: S): EventDef<S> {
  if (!EVENT_NAME.test(name))
    throw new Error(`event "${name}": name must be <area>.<what>, e.g. reading.finished`);
  return Object.freeze({ name, payload });
}
