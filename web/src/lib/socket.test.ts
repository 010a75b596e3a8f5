import { describe, expect, it, vi } from "vitest";
import { acquireSocket } from "./socket";

const made = vi.hoisted(() => ({ count: 0, disconnected: 0 }));
vi.mock("socket.io-client", () => ({
  io: () => {
    made.count += 1;
    return {
      auth: {},
      on() {},
      disconnect() {
        made.disconnected += 1;
      },
    };
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
});
