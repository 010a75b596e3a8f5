import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ENGINES, migratedDatabase } from "../../../test/support/engines.js";
import { type Channel, ChannelSendError } from "../../platform/channels/channel.js";
import { systemClock } from "../../platform/clock.js";
import type { Database } from "../../platform/db/database.js";
import { Outbox } from "./outbox.js";

const quiet = { warn: () => {}, error: () => {} };

/** A Telegram stand-in: records sends; a send to "slow" waits until released, to "down" fails. */
class FakeChannel implements Channel {
  readonly kind = "telegram" as const;
  sent: string[] = [];
  now = 0;
  peak = 0;
  private releaseSlow: (() => void) | undefined;
  async sendText(to: string) {
    this.peak = Math.max(this.peak, ++this.now);
    try {
      if (to === "slow") await new Promise<void>((r) => (this.releaseSlow = r));
      else await new Promise((r) => setTimeout(r, 2));
      if (to === "down") throw new ChannelSendError("503 from provider", false);
      if (to === "gone") throw new ChannelSendError("chat not found", true, "400");
      this.sent.push(to);
      return { providerId: `p-${to}` };
    } finally {
      this.now--;
    }
  }
  async sendTemplate(): Promise<never> {
    throw new Error("no templates here");
  }
  release() {
    this.releaseSlow?.();
  }
}

describe.each(ENGINES)("outbox delivery (%s)", (engine) => {
  let database: Database;
  beforeEach(async () => {
    database = await migratedDatabase(engine);
  });
  afterEach(async () => {
    await database.close();
  });

  const queue = (outbox: Outbox, to: string, n: number) =>
    outbox.enqueue({
      ownerId: null,
      channel: "telegram",
      address: to,
      idempotencyKey: `test:${n}`,
      content: { type: "text", body: `message ${n}` },
    });
  const statuses = async () =>
    Object.fromEntries(
      (await database.db.selectFrom("messages").select(["address", "status"]).execute()).map((r) => [
        r.address,
        r.status,
      ]),
    );

  it("keeps at most maxInFlight sends going, and a slow send holds up none of the others", async () => {
    const channel = new FakeChannel();
    const outbox = new Outbox(database.db, { telegram: channel }, systemClock, quiet, { maxInFlight: 8 });
    await queue(outbox, "slow", 0);
    for (let i = 1; i < 100; i++) await queue(outbox, `c${i}`, i);
    const done = outbox.flush();
    await waitFor(() => channel.sent.length === 99);
    expect(channel.now).toBe(1); // only the slow one still in flight
    channel.release();
    await done;
    expect(channel.sent).toHaveLength(100);
    expect(new Set(channel.sent).size).toBe(100);
    expect(channel.peak).toBe(8);
    expect(new Set(Object.values(await statuses()))).toEqual(new Set(["sent"]));
  });

  it("records failures: a transient one waits for a retry, a permanent one fails and is reported", async () => {
    const channel = new FakeChannel();
    const failed: string[] = [];
    const outbox = new Outbox(database.db, { telegram: channel }, systemClock, quiet, {
      policy: { attempts: 3, backoff: { baseMs: 60_000, maxMs: 60_000 } },
      random: () => 0.5,
      onFailed: async (row, code) => {
        failed.push(`${row.address}:${code}`);
      },
    });
    await queue(outbox, "down", 1);
    await queue(outbox, "gone", 2);
    await queue(outbox, "fine", 3);
    await outbox.flush();
    expect(await statuses()).toEqual({ down: "queued", gone: "failed", fine: "sent" });
    expect(failed).toEqual(["gone:400"]);
    const retry = await database.db
      .selectFrom("messages")
      .select(["attempts", "next_attempt_at", "last_error"])
      .where("address", "=", "down")
      .executeTakeFirstOrThrow();
    expect(retry.attempts).toBe(1);
    expect(retry.last_error).toBe("503 from provider");
    expect(Date.parse(retry.next_attempt_at!) - Date.now()).toBeGreaterThan(20_000);
  });
});

async function waitFor(ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}
