import { ChannelSendError, type Channels, type TemplateMessage } from "../../platform/channels/channel.js";
import type { Clock } from "../../platform/clock.js";
import type { Db } from "../../platform/db/database.js";
import { precompiledOn } from "../../platform/db/precompile.js";
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

// Every reply is queued through this insert: compiled once.
const insertOutbound = precompiledOn(
  (
    db: Db,
    p: {
      id: string;
      owner_id: string | null;
      channel: string;
      address: string;
      type: string;
      body: string | null;
      template: string | null;
      book_id: string | null;
      idempotency_key: string;
      now: string;
    },
  ) =>
    db
      .insertInto("messages")
      .values({
        id: p.id,
        owner_id: p.owner_id,
        direction: "out",
        channel: p.channel as ChannelKind,
        address: p.address,
        type: p.type,
        body: p.body,
        template: p.template,
        book_id: p.book_id,
        provider_id: null,
        reply_to_provider_id: null,
        idempotency_key: p.idempotency_key,
        status: "queued",
        attempts: 0,
        next_attempt_at: p.now,
        locked_until: null,
        error_code: null,
        last_error: null,
        created_at: p.now,
        updated_at: p.now,
      })
      .onConflict((oc) => oc.column("idempotency_key").doNothing())
      .returning("id"),
);

// Every delivered message is marked sent through this update: compiled once.
const markSent = precompiledOn((db: Db, p: { id: string; providerId: string; at: string }) =>
  db
    .updateTable("messages")
    .set({
      status: "sent",
      provider_id: p.providerId,
      locked_until: null,
      next_attempt_at: null,
      error_code: null,
      last_error: null,
      updated_at: p.at,
    })
    .where("id", "=", p.id),
);

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
  private kicked: NodeJS.Immediate | undefined;
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
    const [row] = await insertOutbound(db, {
      id,
      owner_id: m.ownerId,
      channel: m.channel,
      address: m.address,
      type: m.content.type,
      body: m.content.type === "text" ? m.content.body : null,
      template: m.content.type === "template" ? JSON.stringify(m.content.template) : null,
      book_id: m.bookId ?? null,
      idempotency_key: m.idempotencyKey,
      now,
    });
    return row?.id ?? null;
  }

  /**
   * Starts delivery in the background (fire and forget) once the current callbacks are done, so that the
   * caller (e.g. a webhook) answers first; kicks before then coalesce into one.
   */
  kick(): void {
    this.kicked ??= setImmediate(() => {
      this.kicked = undefined;
      this.flush().catch((err) => this.log.error({ err }, "outbox delivery failed"));
    });
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
    if (this.kicked) clearImmediate(this.kicked);
    this.kicked = undefined;
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
    const claimed = await this.claim(due.map((r) => r.id));
    if (claimed.length === 0) return 0;
    const outcomes = await Promise.all(claimed.map((row) => this.send(row)));
    await this.record(outcomes);
    for (const o of outcomes) {
      if (o.ok) continue;
      this.log.warn(
        { messageId: o.row.id, channel: o.row.channel, err: o.error.message, final: o.final },
        "outbound message not sent",
      );
      if (o.final)
        await this.onFailed?.({ ...o.row, error_code: o.error.code ?? null }, o.error.code ?? null);
    }
    return claimed.length;
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

  /** Claims the rows still queued (queued → sending) in one statement; rows another worker had are left out. */
  private async claim(ids: string[]): Promise<OutboxRow[]> {
    const now = this.clock.now();
    const rows = await this.db
      .updateTable("messages")
      .set((eb) => ({
        status: "sending",
        attempts: eb("attempts", "+", 1),
        locked_until: new Date(now.getTime() + (this.opts.leaseMs ?? 60_000)).toISOString(),
        updated_at: now.toISOString(),
      }))
      .where("id", "in", ids)
      .where("status", "=", "queued")
      .returning(["id", "owner_id", "channel", "address", "type", "body", "template", "book_id", "attempts"])
      .execute();
    // In the order they were due.
    const order = new Map(ids.map((id, i) => [id, i]));
    rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    return rows.map((r) => ({ ...r, error_code: null }));
  }

  /** Sends one claimed row through its channel. */
  private async send(row: OutboxRow): Promise<Outcome> {
    const channel = this.channels[row.channel];
    try {
      if (!channel) throw new ChannelSendError(`the ${row.channel} channel is not configured`, true);
      const result =
        row.type === "template"
          ? await channel.sendTemplate(row.address, JSON.parse(row.template ?? "{}") as TemplateMessage)
          : await channel.sendText(row.address, row.body ?? "");
      return { ok: true, row, providerId: result.providerId };
    } catch (err) {
      const e =
        err instanceof ChannelSendError
          ? err
          : new ChannelSendError(err instanceof Error ? err.message : String(err), false);
      return { ok: false, row, error: e, final: e.permanent || row.attempts >= this.policy.attempts };
    }
  }

  /** Records the outcomes of a batch of sends in one transaction. */
  private async record(outcomes: Outcome[]): Promise<void> {
    const at = this.clock.now();
    await this.db.transaction().execute(async (tx) => {
      for (const o of outcomes) {
        if (o.ok) {
          await markSent(tx, { id: o.row.id, providerId: o.providerId, at: at.toISOString() });
          continue;
        }
        await tx
          .updateTable("messages")
          .set({
            status: o.final ? "failed" : "queued",
            locked_until: null,
            next_attempt_at: o.final
              ? null
              : new Date(
                  at.getTime() + backoffDelay(this.policy as JobPolicy, o.row.attempts, this.opts.random),
                ).toISOString(),
            error_code: o.error.code ?? null,
            last_error: o.error.message.slice(0, 2000),
            updated_at: at.toISOString(),
          })
          .where("id", "=", o.row.id)
          .execute();
      }
    });
  }
}

type Outcome =
  | { ok: true; row: OutboxRow; providerId: string }
  | { ok: false; row: OutboxRow; error: ChannelSendError; final: boolean };
