import { describe, expect, it, vi } from "vitest";
import { acquireSocket } from "./socket";

const made = vi.hoisted(() => ({ count: 0, disconnected: 0, transportsClosed: 0, connects: 0 }));
vi.mock("socket.io-client", () => ({
  io: () => {
    made.count += 1;
    const handlers = new Map<string, Array<(arg?: unknown) => void>>();
    const socket = {
      auth: {},
      connected: true,
      io: {
        engine: {
          close() {
            made.transportsClosed += 1;
            socket.connected = false;
            for (const h of handlers.get("disconnect") ?? []) h("transport close");
          },
        },
      },
      on(name: string, h: (arg?: unknown) => void) {
        handlers.set(name, [...(handlers.get(name) ?? []), h]);
      },
      connect() {
        made.connects += 1;
        socket.connected = true;
      },
      disconnect() {
        made.disconnected += 1;
        socket.connected = false;
        for (const h of handlers.get("disconnect") ?? []) h("io client disconnect");
      },
    };
    return socket;
  },
}));

describe("the app's one Socket.IO connection", () => {
  it("is shared by every user of it (live updates and a club's chat) and closes with the last", async () => {
    const live = acquireSocket();
    const chat = acquireSocket();
    expect(await live.socket).toBe(await chat.socket);
    expect(made.count).toBe(1);
    chat.release();
    chat.release(); // twice is once
    await Promise.resolve();
    expect(made.disconnected).toBe(0);
    live.release();
    await vi.waitFor(() => expect(made.disconnected).toBe(1));
    // The next user opens a new one.
    const again = acquireSocket();
    await again.socket;
    expect(made.count).toBe(2);
    again.release();
  });

  it("follows the browser's network: offline closes the transport at once, online reconnects", async () => {
    const held = acquireSocket();
    await held.socket;
    const closed = made.transportsClosed;
    const connects = made.connects;
    window.dispatchEvent(new Event("offline"));
    expect(made.transportsClosed).toBe(closed + 1);
    window.dispatchEvent(new Event("offline")); // already down: nothing more to close
    expect(made.transportsClosed).toBe(closed + 1);
    window.dispatchEvent(new Event("online"));
    expect(made.connects).toBe(connects + 1);
    held.release();
    await vi.waitFor(() => expect(made.disconnected).toBeGreaterThan(0));
    // Once the app let go, the network no longer touches that socket.
    const after = made.connects;
    window.dispatchEvent(new Event("online"));
    expect(made.connects).toBe(after);
  });
});
