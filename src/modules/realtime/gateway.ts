import type { Server as HttpServer } from "node:http";
import { type Static, type TSchema, Type } from "@sinclair/typebox";
import { type TypeCheck, TypeCompiler } from "@sinclair/typebox/compiler";
import type { DefaultEventsMap, Server, ServerOptions, Socket } from "socket.io";
import type { Actor } from "../../platform/access/actor.js";
import type { AccessControl } from "../../platform/access/policy.js";
import { AppError } from "../../platform/errors.js";
import type { DomainEvent } from "../../platform/events/event.js";
import type { EventLog } from "../../platform/events/event-log.js";
import type { ModuleLog } from "../../platform/module/module.js";
import type { PubSub, Unsubscribe } from "../../platform/pubsub/pubsub.js";
import { authenticateCredentials, type PresentedCredentials } from "../auth/auth.hook.js";
import type { AuthService } from "../auth/auth.service.js";
import { socketAnswersAsProblems } from "./engine-answers.js";
import { connectError, handshakeCredentials } from "./socket-auth.js";
import type { Ack, RoomKind, SocketEventDef, SocketSession } from "./socket-events.js";

/** Limits every connection lives within; a client past one is refused or disconnected with the reason. */
export interface GatewayLimits {
  /** Largest message a client may send, in bytes (engine.io closes the connection past it). */
  maxMessageBytes: number;
  /** Events a client may send per second, sustained, and in a burst: past them it is disconnected. */
  eventsPerSecond: number;
  eventsBurst: number;
  /** Packets waiting for a client that does not read: past it the server lets it go. */
  maxPendingPackets: number;
  /**
   * Bytes waiting for one client (packets not yet written, and what its WebSocket holds unsent): past it the
   * server lets it go, so a client that stops reading cannot grow the process's memory.
   */
  maxBufferedBytes: number;
  /** Most events replayed on reconnection; past it the client is told to reload instead. */
  replayLimit: number;
  /** Rooms one connection may be in besides its user's. */
  maxRooms: number;
  /** How often every connection's credential is checked again (sessions and tokens expire). */
  recheckMs: number;
}

export const DEFAULT_LIMITS: GatewayLimits = {
  maxMessageBytes: 16 * 1024,
  eventsPerSecond: 20,
  eventsBurst: 60,
  maxPendingPackets: 2_000,
  maxBufferedBytes: 4 * 1024 * 1024,
  replayLimit: 1_000,
  maxRooms: 50,
  recheckMs: 60_000,
};

/** What each socket keeps (small: 2,000 of them per process is the bench's figure). */
interface SocketData {
  actor: Actor;
  credentials: PresentedCredentials;
  /** Token bucket of the flood limit. */
  tokens: number;
  refilledAt: number;
  /** Live events held back while the replay runs, then sent after it (without repeats). */
  held?: DomainEvent[];
  replayedIds?: Set<string>;
  /** Set once it was let go for not reading (what is sent meanwhile is not checked again). */
  letGo?: boolean;
}

/** What engine.io holds for one connection (not in its types): unwritten packets, and the transport. */
interface EngineConn {
  writeBuffer?: Array<{ data?: unknown }>;
  transport?: { socket?: { bufferedAmount?: unknown; terminate?: () => void } };
  close?(discard?: boolean): void;
}

/**
 * Bytes waiting to reach one client: the packets engine.io has not written yet (a string's length stands
 * for its size) and what its WebSocket has been given and not sent (the kernel's buffers are full once a
 * client stops reading).
 */
export function bufferedBytes(socket: Socket): number {
  const conn = socket.conn as unknown as EngineConn;
  const ws = conn.transport?.socket?.bufferedAmount;
  let bytes = typeof ws === "number" ? ws : 0;
  for (const p of conn.writeBuffer ?? []) {
    const d = p?.data;
    if (typeof d === "string") bytes += d.length;
    else if (d instanceof ArrayBuffer || ArrayBuffer.isView(d)) bytes += d.byteLength;
  }
  return bytes;
}

type AppSocket = Socket<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, SocketData>;

const RoomRef = Type.Object(
  {
    room: Type.String({ minLength: 3, maxLength: 100, pattern: "^[a-z]+:[0-9A-Za-z-]+$" }),
    /** The last item the client holds (e.g. chat message id): what it missed since is returned. */
    after: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);

/** Where Socket.IO serves (its default path): polling requests and upgrades. */
export const SOCKET_IO_PATH = "/socket.io/";

export const userRoom = (userId: string) => `user:${userId}`;

/** Room operations asked for by processes that serve no sockets (pub/sub), done by each that does. */
const ROOMS_CHANNEL = "realtime.rooms";
type RoomOp =
  | { op: "emit"; room: string; name: string; data: unknown }
  | { op: "leave"; userId: string; room: string; reason: string };

/**
 * The Socket.IO server of the realtime role. Every connection authenticates with the API's own
 * authenticator (token or session cookie), joins its user's room and, when it says which event it saw last,
 * first gets the events it missed. Domain events relayed to this process reach the open clients of their
 * owner; modules add the events clients may send (validated, scoped, rate-limited) and the kinds of room
 * they may join (checked by the access policies). With a Redis adapter, rooms span every process.
 */
export class RealtimeGateway {
  private io: Server | undefined;
  private readonly events = new Map<string, { def: SocketEventDef; check: TypeCheck<TSchema> }>();
  private readonly rooms = new Map<string, RoomKind>();
  private readonly checkRoom = TypeCompiler.Compile(RoomRef);
  private adapterClose: (() => Promise<void>) | undefined;
  private unsubscribe: Unsubscribe | undefined;
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    private readonly d: {
      auth: AuthService;
      access: AccessControl;
      events: EventLog;
      pubsub: PubSub;
      log: ModuleLog;
      refused: { inc(n?: number): void };
    },
    readonly limits: GatewayLimits = DEFAULT_LIMITS,
  ) {}

  /** The Socket.IO server, once attached. */
  get server(): Server {
    if (!this.io) throw new Error("the realtime gateway is not attached to a server");
    return this.io;
  }

  get attached(): boolean {
    return this.io !== undefined;
  }

  /** Adds an event clients may send. */
  on(def: SocketEventDef): void {
    if (this.events.has(def.name)) throw new Error(`socket event "${def.name}" is declared twice`);
    this.events.set(def.name, { def, check: TypeCompiler.Compile(def.payload) });
  }

  /** Adds a kind of room clients may join. */
  room(kind: RoomKind): void {
    if (this.rooms.has(kind.kind) || kind.kind === "user")
      throw new Error(`room kind "${kind.kind}" is taken`);
    this.rooms.set(kind.kind, kind);
  }

  /**
   * Serves Socket.IO on `server` (path /socket.io). `adapter`: the cluster adapter (Redis) and how to
   * close its connection; without it rooms are this process's.
   */
  async attach(
    server: HttpServer,
    adapter?: { factory: ServerOptions["adapter"]; close(): Promise<void> },
  ): Promise<Server> {
    const limits = this.limits;
    // Loaded by the realtime role only (a worker process never needs it).
    const { Server } = await import("socket.io");
    const io = new Server(server, {
      path: SOCKET_IO_PATH.slice(0, -1),
      serveClient: false,
      maxHttpBufferSize: limits.maxMessageBytes,
      // Clients reconnect and say what they saw last; the server replays from the database.
      connectionStateRecovery: undefined,
      adapter: adapter?.factory,
    });
    // Engine.IO's own HTTP errors (unknown transport or session, bad handshake…) as problem documents.
    socketAnswersAsProblems(server, `${io.path()}/`, limits.maxMessageBytes);
    this.adapterClose = adapter?.close;
    io.use((socket, next) => {
      this.authenticate(socket as AppSocket).then(
        () => next(),
        (err) => {
          this.d.refused.inc();
          next(connectError(err));
        },
      );
    });
    io.on("connection", (socket) => this.connected(socket as AppSocket));
    this.io = io;
    this.sweep = setInterval(() => {
      void this.recheckAll().catch((err) => this.d.log.error({ err }, "realtime: recheck failed"));
    }, limits.recheckMs);
    this.sweep.unref();
    this.unsubscribe = await this.d.pubsub.subscribe(ROOMS_CHANNEL, (message) => {
      const op = JSON.parse(message) as RoomOp;
      if (op.op === "emit") io.local.to(op.room).emit(op.name, op.data);
      else this.leaveHere(op.userId, op.room, op.reason);
    });
    return io;
  }

  private async authenticate(socket: AppSocket): Promise<void> {
    const { credentials } = handshakeCredentials(socket.handshake);
    const principal = await authenticateCredentials(this.d.auth, credentials);
    if (!principal.actor.scopes.includes("read"))
      throw new AppError(403, "forbidden", "Forbidden", 'This token lacks the "read" scope');
    const limits = this.limits;
    socket.data = {
      actor: principal.actor,
      credentials,
      tokens: limits.eventsBurst,
      refilledAt: Date.now(),
    };
  }

  private connected(socket: AppSocket): void {
    const { actor } = socket.data;
    // The actor as last checked (a recheck after a change to the user's credentials replaces it).
    const session: SocketSession = {
      get actor() {
        return socket.data.actor;
      },
      socket,
    };
    socket.join(userRoom(actor.userId));
    // Every packet for this client (its own events, a room's broadcast from any process) is checked
    // against what already waits for it: a client that stopped reading is let go, the others are not.
    socket.conn.on("packetCreate", () => {
      if (!socket.data.letGo) this.backedUp(socket);
    });
    socket.onAny((name: string, ...args: unknown[]) => void this.dispatch(session, name, args));
    socket.on("disconnecting", () => {
      for (const room of socket.rooms) {
        const [kind, id] = splitRoom(room);
        if (id !== undefined) this.rooms.get(kind)?.left?.(session, id);
      }
    });
    void this.replay(socket, handshakeCredentials(socket.handshake).lastEventId);
  }

  /** Sends what the client missed since `lastEventId` (live events wait meanwhile), then `ready`. */
  private async replay(socket: AppSocket, lastEventId: string | undefined): Promise<void> {
    const { actor } = socket.data;
    let replayed = 0;
    let gap = false;
    if (lastEventId !== undefined) {
      socket.data.held = [];
      try {
        const missed = await this.d.events.publishedSince(
          actor.userId,
          lastEventId,
          this.limits.replayLimit + 1,
        );
        gap = missed.length > this.limits.replayLimit;
        const sent = new Set<string>();
        for (const e of missed.slice(0, this.limits.replayLimit)) {
          socket.emit("event", clientEvent(e));
          sent.add(e.id);
        }
        replayed = sent.size;
        const held = socket.data.held;
        socket.data.held = undefined;
        for (const e of held) if (!sent.has(e.id)) this.send(socket, e);
      } catch (err) {
        socket.data.held = undefined;
        this.d.log.error({ err }, "realtime: replay failed");
        gap = true;
      }
    }
    socket.emit("ready", { userId: actor.userId, replayed, gap });
  }

  /** Delivers a relayed event to its owner's clients connected to this process. */
  deliver(event: DomainEvent): void {
    if (!this.io || !event.ownerId) return;
    const ids = this.io.of("/").adapter.rooms.get(userRoom(event.ownerId));
    if (!ids) return;
    for (const id of ids) {
      const socket = this.io.of("/").sockets.get(id) as AppSocket | undefined;
      if (socket) this.send(socket, event);
    }
  }

  private send(socket: AppSocket, event: DomainEvent): void {
    if (socket.data.held) {
      socket.data.held.push(event);
      return;
    }
    if (this.backedUp(socket)) return;
    socket.emit("event", clientEvent(event));
  }

  /** True (and the client let go) when it has stopped reading: what waits for it would only grow. */
  backedUp(socket: Socket): boolean {
    const data = socket.data as Partial<SocketData>;
    if (data.letGo) return true;
    const pending = (socket.conn as unknown as EngineConn).writeBuffer?.length ?? 0;
    if (pending <= this.limits.maxPendingPackets && bufferedBytes(socket) <= this.limits.maxBufferedBytes)
      return false;
    data.letGo = true;
    this.refuse(socket, "slow-reader", "The client is not reading what it is sent", true);
    // What waits for it is dropped and its connection ended now: a close that waited for the buffer to
    // drain would wait for ever.
    const conn = socket.conn as unknown as EngineConn;
    conn.close?.(true);
    conn.transport?.socket?.terminate?.();
    return true;
  }

  /**
   * Checks the credentials of the user's sockets here again (their sessions or tokens changed): those no
   * longer valid are told why and disconnected.
   */
  async recheck(userId: string): Promise<void> {
    const ids = this.io?.of("/").adapter.rooms.get(userRoom(userId));
    for (const id of [...(ids ?? [])]) await this.recheckSocket(id);
  }

  /** Checks every connection's credential again (run every `recheckMs`: sessions and tokens expire). */
  async recheckAll(): Promise<void> {
    for (const id of [...(this.io?.of("/").sockets.keys() ?? [])]) await this.recheckSocket(id);
  }

  private async recheckSocket(id: string): Promise<void> {
    const socket = this.io?.of("/").sockets.get(id) as AppSocket | undefined;
    if (!socket) return;
    try {
      const p = await authenticateCredentials(this.d.auth, socket.data.credentials);
      socket.data.actor = p.actor;
    } catch {
      this.refuse(socket, "session-ended", "The session or token was revoked or expired", true);
    }
  }

  /**
   * Emits to a room in every process: through the Socket.IO adapter when this process serves sockets,
   * else over pub/sub to the processes that do. Call it after the commit of what it announces.
   */
  async broadcast(room: string, name: string, data: unknown): Promise<void> {
    if (this.io) this.io.to(room).emit(name, data);
    else
      await this.d.pubsub.publish(
        ROOMS_CHANNEL,
        JSON.stringify({ op: "emit", room, name, data } satisfies RoomOp),
      );
  }

  /** Makes every socket of the user, in every process, leave `room` (they lost access), telling them why. */
  async evict(userId: string, room: string, reason: string): Promise<void> {
    await this.d.pubsub.publish(
      ROOMS_CHANNEL,
      JSON.stringify({ op: "leave", userId, room, reason } satisfies RoomOp),
    );
  }

  private leaveHere(userId: string, room: string, reason: string): void {
    const io = this.io;
    const ids = io?.of("/").adapter.rooms.get(userRoom(userId));
    for (const id of ids ?? []) {
      const socket = io!.of("/").sockets.get(id) as AppSocket | undefined;
      if (!socket?.rooms.has(room)) continue;
      socket.leave(room);
      const [kind, roomId] = splitRoom(room);
      if (roomId !== undefined) this.rooms.get(kind)?.left?.({ actor: socket.data.actor, socket }, roomId);
      socket.emit("room:left", { room, reason });
    }
  }

  private async dispatch(session: SocketSession, name: string, args: unknown[]): Promise<void> {
    const socket = session.socket as AppSocket;
    const ackFn = typeof args[args.length - 1] === "function" ? (args.pop() as (a: Ack) => void) : undefined;
    const ack = (a: Ack) => ackFn?.(a);
    if (!this.spend(socket)) {
      this.refuse(socket, "flood", `More than ${this.limits.eventsPerSecond} events a second`, true);
      return;
    }
    try {
      const data = await this.handle(session, name, args[0]);
      ack({ ok: true, data });
    } catch (err) {
      if (!(err instanceof AppError))
        this.d.log.error({ err, event: name }, "realtime: socket handler failed");
      const e =
        err instanceof AppError ? err : new AppError(500, "internal", "Internal error", "Internal error");
      this.d.refused.inc();
      const error = { status: e.status, code: e.code, detail: e.message, field: e.errors?.[0]?.field };
      if (ackFn) ack({ ok: false, error });
      else socket.emit("refused", { event: name, ...error });
    }
  }

  private async handle(session: SocketSession, name: string, payload: unknown): Promise<unknown> {
    if (name === "room:join" || name === "room:leave") {
      const ref = this.valid<Static<typeof RoomRef>>(this.checkRoom, payload);
      return name === "room:join" ? this.join(session, ref) : this.leave(session, ref.room);
    }
    const entry = this.events.get(name);
    if (!entry) throw new AppError(400, "unknown-event", "Unknown event", `There is no event "${name}"`);
    const body = this.valid(entry.check, payload);
    if (!session.actor.scopes.includes(entry.def.scope))
      throw new AppError(
        403,
        "forbidden",
        "Forbidden",
        `This credential lacks the "${entry.def.scope}" scope`,
      );
    return entry.def.handle(session, body);
  }

  private valid<T>(check: TypeCheck<TSchema>, payload: unknown): T {
    if (check.Check(payload)) return payload as T;
    const first = [...check.Errors(payload)][0];
    const field = first?.path ? first.path.slice(1).replaceAll("/", ".") || "payload" : "payload";
    throw new AppError(400, "validation", "Invalid event", `${field}: ${first?.message ?? "invalid"}`, [
      { field, rule: "schema", message: first?.message ?? "invalid" },
    ]);
  }

  private async join(session: SocketSession, ref: Static<typeof RoomRef>): Promise<unknown> {
    const [kindName, id] = splitRoom(ref.room);
    const kind = this.rooms.get(kindName);
    if (!kind || id === undefined) throw new AppError(404, "not-found", "Not found", "Room not found");
    // Besides the rooms joined: the socket's own and its user's.
    if (session.socket.rooms.size - 2 >= this.limits.maxRooms)
      throw new AppError(
        409,
        "conflict",
        "Conflict",
        `A connection may be in at most ${this.limits.maxRooms} rooms`,
      );
    // The same check, and the same 404 for a stranger's room as for a missing one, as the REST API.
    await this.d.access.require(session.actor, kind.joinAction, id);
    session.socket.join(ref.room);
    return kind.joined?.(session, id, ref.after);
  }

  private leave(session: SocketSession, room: string): undefined {
    if (!session.socket.rooms.has(room)) return;
    session.socket.leave(room);
    const [kind, id] = splitRoom(room);
    if (id !== undefined) this.rooms.get(kind)?.left?.(session, id);
  }

  /** Throws unless the socket joined `room` (events for a room it is not in are refused). */
  requireJoined(session: SocketSession, room: string): void {
    if (!session.socket.rooms.has(room))
      throw new AppError(409, "not-joined", "Not joined", `Join ${room} first (room:join)`);
  }

  /** Spends one token of the socket's flood limit; false when none is left. */
  private spend(socket: AppSocket): boolean {
    const { eventsPerSecond, eventsBurst } = this.limits;
    const now = Date.now();
    const d = socket.data;
    d.tokens = Math.min(eventsBurst, d.tokens + ((now - d.refilledAt) / 1000) * eventsPerSecond);
    d.refilledAt = now;
    if (d.tokens < 1) return false;
    d.tokens -= 1;
    return true;
  }

  private refuse(socket: Socket, code: string, detail: string, disconnect: boolean): void {
    this.d.refused.inc();
    this.d.log.warn({ code, userId: (socket.data as SocketData).actor?.userId }, `realtime: ${detail}`);
    socket.emit("refused", { code, detail });
    if (disconnect) socket.disconnect(true);
  }

  async close(): Promise<void> {
    const io = this.io;
    if (!io) return;
    this.io = undefined;
    clearInterval(this.sweep);
    await this.unsubscribe?.();
    // Not io.close(): that closes the HTTP server too, which belongs to the API (or to serve).
    io.disconnectSockets(true);
    await io.of("/").adapter.close();
    io.engine.close();
    await this.adapterClose?.();
  }
}

function splitRoom(room: string): [string, string | undefined] {
  const i = room.indexOf(":");
  return i < 0 ? [room, undefined] : [room.slice(0, i), room.slice(i + 1)];
}

/** An event as clients receive it (the owner is the user the socket is for). */
function clientEvent(e: DomainEvent) {
  return { id: e.id, name: e.name, aggregateId: e.aggregateId, payload: e.payload, at: e.at };
}
