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
  /** Most sends in flight at once (default 128: about 1,000 messages/s at 100 ms a send). */
  maxInFlight?: number;
  random?: () => number;
  /** Called after a send failed for good (e.g. to fall back to a template). */
  onFailed?: (row: OutboxRow, code: string | null) => Promise<void>;
}

/** Messages claimed per statement. */
const BATCH = 32;
/** Sends in flight at once per process (default of OutboxOptions.maxInFlight). */
const MAX_IN_FLIGHT = 128;

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
  /** Outcomes of finished sends waiting to be recorded together. */
  private finished: Outcome[] = [];
  private recording: Promise<void> | undefined;
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

  /** Delivers everything due now; resolves when nothing due is left and every send is recorded (tests await it). */
  flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.deliverDue();
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

  /**
   * Sends due messages, up to maxInFlight at once: more are claimed as sends finish (a window, not a batch
   * at a time, so a slow send holds up no others), and the outcomes of sends that finish in the same turn are
   * recorded in one transaction. Returns when nothing due is left and nothing is in flight.
   */
  private async deliverDue(): Promise<void> {
    const max = this.opts.maxInFlight ?? MAX_IN_FLIGHT;
    // Claim in chunks rather than one row per finished send.
    const refill = Math.max(1, Math.min(BATCH, Math.floor(max / 2)));
    let inFlight = 0;
    let wake: (() => void) | undefined;
    for (;;) {
      const free = max - inFlight;
      if (free >= refill || inFlight === 0) {
        const want = Math.min(free, BATCH);
        const claimed = await this.claimDue(want);
        for (const row of claimed) {
          inFlight++;
          void this.send(row)
            .then((o) => this.recordSoon(o))
            .finally(() => {
              inFlight--;
              wake?.();
            });
        }
        if (claimed.length === want) continue;
        if (inFlight === 0) return;
      }
      await new Promise<void>((r) => {
        wake = r;
      });
      wake = undefined;
    }
  }

  /** Claims up to `limit` due messages, oldest first (after giving up rows stuck in `sending`). */
  private async claimDue(limit: number): Promise<OutboxRow[]> {
    const now = this.clock.now().toISOString();
    await this.giveUpStale(now);
    const due = await this.db
      .selectFrom("messages")
      .select("id")
      .where("status", "=", "queued")
      .where("next_attempt_at", "<=", now)
      .orderBy("next_attempt_at")
      .limit(limit)
      .execute();
    return due.length === 0 ? [] : this.claim(due.map((r) => r.id));
  }

  /** Records an outcome together with the others of this turn; resolves once recorded (or the failure logged). */
  private recordSoon(outcome: Outcome): Promise<void> {
    this.finished.push(outcome);
    this.recording ??= new Promise<void>((resolve) => {
      setImmediate(() => {
        const outcomes = this.finished;
        this.finished = [];
        this.recording = undefined;
        this.recordAll(outcomes)
          .catch((err) => this.log.error({ err }, "could not record outbound message outcomes"))
          .finally(resolve);
      });
    });
    return this.recording;
  }

  private async recordAll(outcomes: Outcome[]): Promise<void> {
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
