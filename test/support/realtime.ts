import type { AddressInfo } from "node:net";
import { io, type Socket } from "socket.io-client";
import type { RealtimeGateway } from "../../src/modules/realtime/gateway.js";
import type { TestApp } from "./app.js";

/** A test app listening on a loopback port with the realtime role's Socket.IO attached to its server. */
export interface RealtimeTestApp {
  url: string;
  gateway: RealtimeGateway;
  /** Closes the open sockets first, then the app. */
  close(): Promise<void>;
}

export async function listenRealtime(t: TestApp): Promise<RealtimeTestApp> {
  const attachment = t.assembly.modules
    .flatMap((m) => m.attachments ?? [])
    .find((a) => a.role === "realtime");
  if (!attachment) throw new Error("no module attaches the realtime role");
  await attachment.attach(t.app.server);
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = t.app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    gateway: (t.services as unknown as { realtime: RealtimeGateway }).realtime,
    async close() {
      await attachment.close();
      await t.close();
    },
  };
}

/**
 * A connected client (WebSocket only, no automatic reconnection), resolved once the server said `ready`;
 * `events` collects every live update it receives from the start (replayed ones come before `ready`).
 */
export async function connect(
  url: string,
  auth: Record<string, unknown>,
  opts: { extraHeaders?: Record<string, string> } = {},
): Promise<{
  socket: Socket;
  ready: { userId: string; replayed: number; gap: boolean };
  events: LiveEvent[];
}> {
  const socket = io(url, { auth, transports: ["websocket"], reconnection: false, forceNew: true, ...opts });
  const events = collect<LiveEvent>(socket, "event");
  const ready = await new Promise<{ userId: string; replayed: number; gap: boolean }>((resolve, reject) => {
    socket.once("ready", resolve);
    socket.once("connect_error", (err) => {
      socket.close();
      reject(err);
    });
  });
  return { socket, ready, events };
}

/** A domain event as clients receive it. */
export interface LiveEvent {
  id: string;
  name: string;
  aggregateId: string;
  payload: Record<string, unknown>;
  at: string;
}

/** The error a refused handshake fails with (message, and `data` with the status and code). */
export async function refusedConnect(
  url: string,
  auth: Record<string, unknown>,
  opts: { extraHeaders?: Record<string, string> } = {},
): Promise<{ message: string; data?: { status: number; code: string } }> {
  try {
    const { socket } = await connect(url, auth, opts);
    socket.close();
  } catch (err) {
    return err as { message: string; data?: { status: number; code: string } };
  }
  throw new Error("the connection was accepted");
}

/** Collects the events of `name` a socket receives. */
export function collect<T = unknown>(socket: Socket, name: string): T[] {
  const got: T[] = [];
  socket.on(name, (e: T) => got.push(e));
  return got;
}

/** Resolves once `check` holds (polled on the event loop; the test's own timeout bounds it). */
export async function until(check: () => boolean, what = String(check), timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`until: still not true after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Sends an event and resolves with its acknowledgement. */
export function ask<T = unknown>(socket: Socket, name: string, payload?: unknown): Promise<T> {
  return socket.emitWithAck(name, payload) as Promise<T>;
}
