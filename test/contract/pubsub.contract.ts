import { afterEach, describe, expect, it } from "vitest";
import type { PubSub } from "../../src/platform/pubsub/pubsub.js";

/** One bus: `open()` gives a new client on it, as another process would get. */
export interface PubSubHarness {
  name: string;
  newBus(): Promise<{ open(): PubSub; dispose(): Promise<void> }>;
}

/** Resolves when `predicate` holds, polling; fails the test after 2 s. */
async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("condition not reached within 2 s");
}

/** Lets in-flight messages arrive (for asserting that something did NOT arrive). */
const settle = () => new Promise((r) => setTimeout(r, 100));

/** The PubSub port's contract, run against every adapter (test/contract/pubsub.test.ts). */
export function pubsubContract(h: PubSubHarness): void {
  describe(`PubSub contract: ${h.name}`, () => {
    let dispose: (() => Promise<void>) | undefined;
    async function bus() {
      const b = await h.newBus();
      dispose = b.dispose;
      return b;
    }
    afterEach(async () => {
      await dispose?.();
      dispose = undefined;
    });

    it("delivers messages to a subscriber in publish order", async () => {
      const b = await bus();
      const ps = b.open();
      const got: string[] = [];
      await ps.subscribe("news", (m) => got.push(m));
      for (let i = 0; i < 20; i++) await ps.publish("news", `m${i}`);
      await until(() => got.length === 20);
      expect(got).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    });

    it("reaches every client on the bus, and only on the channel published to", async () => {
      const b = await bus();
      const [a, c, d] = [b.open(), b.open(), b.open()];
      const gotC: string[] = [];
      const gotD: string[] = [];
      const gotOther: string[] = [];
      await c.subscribe("auth", (m) => gotC.push(m));
      await d.subscribe("auth", (m) => gotD.push(m));
      await d.subscribe("other", (m) => gotOther.push(m));
      await a.publish("auth", "user-1 changed");
      await until(() => gotC.length === 1 && gotD.length === 1);
      await settle();
      expect(gotC).toEqual(["user-1 changed"]);
      expect(gotD).toEqual(["user-1 changed"]);
      expect(gotOther).toEqual([]);
    });

    it("keeps the message text intact (non-ASCII, separators, empty)", async () => {
      const b = await bus();
      const ps = b.open();
      const got: string[] = [];
      await ps.subscribe("t", (m) => got.push(m));
      const sent = ["Dürrenmatt ✓ 📚", "a:b|c\nd", "", "x".repeat(10_000)];
      for (const m of sent) await ps.publish("t", m);
      await until(() => got.length === sent.length);
      expect(got).toEqual(sent);
    });

    it("stops delivering after unsubscribe, leaving other subscriptions alone", async () => {
      const b = await bus();
      const ps = b.open();
      const first: string[] = [];
      const second: string[] = [];
      const off = await ps.subscribe("c", (m) => first.push(m));
      await ps.subscribe("c", (m) => second.push(m));
      await ps.publish("c", "1");
      await until(() => first.length === 1 && second.length === 1);
      await off();
      await ps.publish("c", "2");
      await until(() => second.length === 2);
      await settle();
      expect(first).toEqual(["1"]);
      expect(second).toEqual(["1", "2"]);
    });

    it("a throwing handler does not stop the others", async () => {
      const b = await bus();
      const ps = b.open();
      const got: string[] = [];
      await ps.subscribe("c", () => {
        throw new Error("boom");
      });
      await ps.subscribe("c", (m) => got.push(m));
      await ps.publish("c", "a");
      await ps.publish("c", "b");
      await until(() => got.length === 2);
      expect(got).toEqual(["a", "b"]);
    });

    it("close is idempotent; a closed client neither publishes nor receives", async () => {
      const b = await bus();
      const [a, c] = [b.open(), b.open()];
      const got: string[] = [];
      await c.subscribe("c", (m) => got.push(m));
      await c.close();
      await c.close();
      await expect(c.publish("c", "x")).rejects.toThrow(/closed/);
      await a.publish("c", "after close");
      await settle();
      expect(got).toEqual([]);
    });
  });
}
