/**
 * The app's one Socket.IO connection (docs/realtime.md): live updates and every club chat share it, so a
 * club page holds one connection, not two. It opens when the first user of it asks (socket.io-client loads
 * only then, after sign-in), closes when the last lets go, authenticates with the session cookie (same
 * origin), speaks WebSocket only, and tells the server the last domain event it saw when it reconnects, so
 * nothing missed in between is lost.
 */
import type { Socket } from "socket.io-client";

/** A domain event as the realtime role sends it. */
export interface LiveEvent {
  id: string;
  name: string;
  aggregateId: string;
  payload: Record<string, unknown>;
}

let current: { socket: Promise<Socket>; users: number } | null = null;
let lastEventId: string | undefined;

async function open(): Promise<Socket> {
  const { io } = await import("socket.io-client");
  const socket = io({ transports: ["websocket"], auth: lastEventId ? { lastEventId } : {} });
  socket.on("event", (e: LiveEvent) => {
    lastEventId = e.id;
  });
  socket.on("disconnect", () => {
    socket.auth = lastEventId ? { lastEventId } : {};
  });
  followNetwork(socket);
  return socket;
}

/**
 * A device that loses its network does not always see its socket close: Socket.IO would find out only
 * from a missed heartbeat, up to 45 s later (the server's ping interval + timeout), while the page went on
 * saying "Live". The browser knows at once: going offline closes the transport (the page says "Offline"
 * and Socket.IO starts reconnecting), coming back online reconnects without waiting for its back-off.
 */
function followNetwork(socket: Socket): void {
  if (typeof window === "undefined") return;
  const offline = () => {
    if (socket.connected) socket.io.engine?.close();
  };
  const online = () => {
    if (!socket.connected) socket.connect();
  };
  window.addEventListener("offline", offline);
  window.addEventListener("online", online);
  // Until the app lets go of the socket (`disconnect()` by the last user).
  socket.on("disconnect", (reason) => {
    if (reason !== "io client disconnect") return;
    window.removeEventListener("offline", offline);
    window.removeEventListener("online", online);
  });
}

/**
 * A hold on the shared connection: `socket` resolves to it; `release()` lets go (the last release closes
 * it). Listeners a user adds are theirs to remove before releasing.
 */
export function acquireSocket(): { socket: Promise<Socket>; release: () => void } {
  if (!current) current = { socket: open(), users: 0 };
  const held = current;
  held.users += 1;
  let released = false;
  return {
    socket: held.socket,
    release: () => {
      if (released) return;
      released = true;
      held.users -= 1;
      if (held.users > 0 || current !== held) return;
      current = null;
      void held.socket.then((s) => s.disconnect()).catch(() => {});
    },
  };
}

/** Forgets the last event seen (signing out: the next account starts afresh). */
export function forgetLiveEvents(): void {
  lastEventId = undefined;
}
