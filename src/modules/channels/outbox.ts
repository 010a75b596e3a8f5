import { ChannelSendError, type Channels, type TemplateMessage } from "../../platform/channels/channel.js";
import type { Clock } from "../../platform/clock.js";
import type { Db } from "../../platform/db/database.js";
import type { ChannelKind, MessagesTable } from "../../platform/db/schema.js";
import { newId } from "../../platform/ids.js";
import { backoffDelay, type JobPolicy } from "../../platform/queue/queue.js";

/** An outbound message to queue. */
export interface OutboundMessage {
  ownerId: string | null;
  channel: ChannelKind;
  address: string;
  /** Unique forever: queueing the same key again is a no-op (e.g. `reply:<inbound message id>`). */
  idempotencyKey: string;
  bookId?: string | null;
  content: { type: "text"; body: string } | { type: "template"; template: TemplateMessage };
}

export type OutboxRow = Pick<
  MessagesTable,
  "id" | "owner_id" | "channel" | "address" | "type" | "body" | "template" | "book_id" | "error_code"
> & { attempts: number };

interface Log {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface OutboxOptions {
  /** Attempts and backoff of one send (the Queue port's policy shape and jitter). */
  policy?: Pick<JobPolicy, "attempts" | "backoff">;
  /** How long a claimed row may stay in `sending` before it is given up (not resent). */
  leaseMs?: number;
  /** How often due retries are looked for while started. */
  pollMs?: number;
  random?: () => number;
  /** Called after a send failed for good (e.g. to fall back to a template). */
  onFailed?: (row: OutboxRow, code: string | null) => Promise<void>;
}

const BATCH = 32;

/**
 * The outbox: every outbound message is a row before anything is sent. Delivery claims a row with a
 * conditional UPDATE (queued → sending) so two workers never send it both; the provider's id is recorded on
 * success; transient failures go back to queued with exponential backoff. A row found still `sending` after
 * its lease (the process died mid-send) is marked failed rather than resent: the provider has no idempotency
 * key, so resending could deliver twice.
 */
export class Outbox {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly policy: Pick<JobPolicy, "attempts" | "backoff">;
  onFailed: OutboxOptions["onFailed"];

  constructor(
    private readonly db: Db,
    private readonly channels: Channels,
    private readonly clock: Clock,
    private readonly log: Log,
    private readonly opts: OutboxOptions = {},
  ) {
    this.policy = opts.policy ?? { attempts: 6, backoff: { baseMs: 2_000, maxMs: 10 * 60_000 } };
    this.onFailed = opts.onFailed;
  }

  /** Stores a message as queued; returns its id, or null when its idempotency key was already used. */
  async enqueue(m: OutboundMessage, db: Db = this.db): Promise<string | null> {
    const now = this.clock.now().toISOString();
    const id = newId(this.clock.now().getTime());
    const row = await db
      .insertInto("messages")
      .values({
        id,
        owner_id: m.ownerId,
        direction: "out",
        channel: m.channel,
        address: m.address,
        type: m.content.type,
        body: m.content.type === "text" ? m.content.body : null,
        template: m.content.type === "template" ? JSON.stringify(m.content.template) : null,
        book_id: m.bookId ?? null,
        provider_id: null,
        reply_to_provider_id: null,
        idempotency_key: m.idempotencyKey,
        status: "queued",
        attempts: 0,
        next_attempt_at: now,
        locked_until: null,
        error_code: null,
        last_error: null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column("idempotency_key").doNothing())
      .returning("id")
      .executeTakeFirst();
    return row?.id ?? null;
  }

  /** Starts delivery in the background now (fire and forget). */
  kick(): void {
    this.flush().catch((err) => this.log.error({ err }, "outbox delivery failed"));
  }

  /** Delivers everything due now; resolves when nothing due is left (tests await it). */
  flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          while ((await this.runBatch()) > 0) {}
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Polls for due retries until stop(). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), this.opts.pollMs ?? 1_000);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async runBatch(): Promise<number> {
    const now = this.clock.now().toISOString();
    await this.giveUpStale(now);
    const due = await this.db
      .selectFrom("messages")
      .select("id")
      .where("status", "=", "queued")
      .where("next_attempt_at", "<=", now)
      .orderBy("next_attempt_at")
      .limit(BATCH)
      .execute();
    if (due.length === 0) return 0;
    const claimed = await Promise.all(due.map((r) => this.deliver(r.id)));
    return claimed.filter(Boolean).length;
  }

  private async giveUpStale(now: string): Promise<void> {
    await this.db
      .updateTable("messages")
      .set({
        status: "failed",
        locked_until: null,
        last_error: "interrupted while sending; not resent so that it cannot arrive twice",
        updated_at: now,
      })
      .where("status", "=", "sending")
      .where("locked_until", "<", now)
      .execute();
  }

  /** Claims one row and sends it; false when another worker had it. */
  private async deliver(id: string): Promise<boolean> {
    const now = this.clock.now();
    const claimed = await this.db
      .updateTable("messages")
      .set((eb) => ({
        status: "sending",
        attempts: eb("attempts", "+", 1),
        locked_until: new Date(now.getTime() + (this.opts.leaseMs ?? 60_000)).toISOString(),
        updated_at: now.toISOString(),
      }))
      .where("id", "=", id)
      .where("status", "=", "queued")
      .returning(["id", "owner_id", "channel", "address", "type", "body", "template", "book_id", "attempts"])
      .executeTakeFirst();
    if (!claimed) return false;
    const row: OutboxRow = { ...claimed, error_code: null };
    const channel = this.channels[row.channel];
    try {
      if (!channel) throw new ChannelSendError(`the ${row.channel} channel is not configured`, true);
      const result =
        row.type === "template"
          ? await channel.sendTemplate(row.address, JSON.parse(row.template ?? "{}") as TemplateMessage)
          : await channel.sendText(row.address, row.body ?? "");
      await this.db
        .updateTable("messages")
        .set({
          status: "sent",
          provider_id: result.providerId,
          locked_until: null,
          next_attempt_at: null,
          error_code: null,
          last_error: null,
          updated_at: this.clock.now().toISOString(),
        })
        .where("id", "=", id)
        .execute();
    } catch (err) {
      const e =
        err instanceof ChannelSendError
          ? err
          : new ChannelSendError(err instanceof Error ? err.message : String(err), false);
      const final = e.permanent || row.attempts >= this.policy.attempts;
      const at = this.clock.now();
      await this.db
        .updateTable("messages")
        .set({
          status: final ? "failed" : "queued",
          locked_until: null,
          next_attempt_at: final
            ? null
            : new Date(
                at.getTime() + backoffDelay(this.policy as JobPolicy, row.attempts, this.opts.random),
              ).toISOString(),
          error_code: e.code ?? null,
          last_error: e.message.slice(0, 2000),
          updated_at: at.toISOString(),
        })
        .where("id", "=", id)
        .execute();
      this.log.warn(
        { messageId: id, channel: row.channel, err: e.message, final },
        "outbound message not sent",
      );
      if (final) await this.onFailed?.({ ...row, error_code: e.code ?? null }, e.code ?? null);
    }
    return true;
  }
}
