import type { Static, TSchema } from "@sinclair/typebox";
import type { Socket } from "socket.io";
import type { Actor, Scope } from "../../platform/access/actor.js";

/** One connected client as handlers see it: who it acts for and its socket. */
export interface SocketSession {
  readonly actor: Actor;
  readonly socket: Socket;
}

/**
 * An event a client may send (`<area>:<verb>`, e.g. `club:send`): its payload's schema (checked before the
 * handler runs; a payload that fails it is refused and nothing happens), the credential scope it needs, and
 * its handler, whose result is the acknowledgement's `data`. Errors it throws (AppError) are acknowledged
 * as `{ error }` with their status, as the API answers them.
 */
export interface SocketEventDef<S extends TSchema = TSchema> {
  readonly name: string;
  readonly payload: S;
  readonly scope: Scope;
  handle(session: SocketSession, payload: Static<S>): Promise<unknown>;
}

export function defineSocketEvent<S extends TSchema>(def: SocketEventDef<S>): SocketEventDef {
  return def as unknown as SocketEventDef;
}

/**
 * A kind of room clients join by name (`<kind>:<id>`, e.g. `club:<id>`): joining needs the access policy's
 * `joinAction` on the id (the same check as the REST API; refused exactly as a missing object is). `joined`
 * runs once the socket is in the room; its result is the acknowledgement's `data` (e.g. chat history since
 * the client's last message, who is present). Rooms of the user (`user:<id>`) are joined by the server.
 */
export interface RoomKind {
  readonly kind: string;
  readonly joinAction: string;
  joined?(session: SocketSession, id: string, after: string | undefined): Promise<unknown>;
  /** The socket left the room (asked to, was evicted, or disconnected). */
  left?(session: SocketSession, id: string): void;
}

/** What every acknowledgement carries: the handler's data, or the refusal as the API would answer it. */
export type Ack =
  | { ok: true; data?: unknown }
  | { ok: false; error: { status: number; code: string; detail: string; field?: string } };
