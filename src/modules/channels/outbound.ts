import { setMaxListeners } from "node:events";
import { Type } from "@sinclair/typebox";
import { type Kysely, sql } from "kysely";
import {
  type ChannelKind,
  ChannelSendError,
  type Channels,
  type TemplateMessage,
} from "../../platform/channels/channel.js";
import type { Clock } from "../../platform/clock.js";
import { precompiledOn } from "../../platform/db/precompile.js";
import type { Collector, UnitOfWork } from "../../platform/db/unit-of-work.js";
import { newId } from "../../platform/ids.js";
import { backoffDelay, defineJob, type JobContext, type Queue } from "../../platform/queue/queue.js";
import { Slots } from "../../platform/queue/slots.js";
import { TurnBatcher } from "../../platform/turn-batcher.js";
import type { ChannelsTables, MessagesTable } from "./channels.tables.js";

type Db = Kysely<ChannelsTables>;

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

/** Most messages one `channels.send` job sends (the messages one transaction queued form its jobs). */
export const SEND_BATCH = 32;

/** Most sends in flight at once in one process, over all `channels.send` jobs. */
const MAX_IN_FLIGHT = 128;

/**
 * Sends outbound messages (the `messages` rows stay the record of them): the messages queued by one
 * transaction share one job (up to SEND_BATCH of them; a retry is a job of one). At least once like every
 * job, but never sent twice: a row is claimed queued → sending before the send, and an attempt that finds it
 * still `sending` (its predecessor died mid-send) marks it failed instead of sending again — providers have
 * no idempotency key, so a resend could deliver twice. Each message is retried on its own: a transient
 * failure puts it back to queued with a job of its own, due after the policy's backoff for the message's
 * attempts, while the rest of its batch is sent. `{ messageId }` is the payload of jobs queued before
 * batching (still run).
 */
export const channelsSend = defineJob({
  name: "channels.send",
  payload: Type.Union([
    Type.Object(
      {
        messageIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
          minItems: 1,
          maxItems: SEND_BATCH,
        }),
      },
      { additionalProperties: false },
    ),
    Type.Object({ messageId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
  ]),
  // Sends mostly wait on the provider: many run at once. `attempts` and `backoff` are per message (the
  // message's own attempts); a job's own retries cover an attempt that timed out or failed to record.
  policy: {
    attempts: 6,
    backoff: { baseMs: 2_000, maxMs: 10 * 60_000 },
    timeoutMs: 30_000,
    concurrency: 128,
  },
});

/** What varies between new outbound rows (`outboundValues` adds the rest). */
type NewOutbound = {
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
};

function outboundValues(p: NewOutbound) {
  return {
    id: p.id,
    owner_id: p.owner_id,
    direction: "out" as const,
    channel: p.channel as ChannelKind,
    address: p.address,
    type: p.type,
    body: p.body,
    template: p.template,
    book_id: p.book_id,
    provider_id: null,
    reply_to_provider_id: null,
    idempotency_key: p.idempotency_key,
    status: "queued" as const,
    attempts: 0,
    next_attempt_at: null,
    locked_until: null,
    error_code: null,
    last_error: null,
    created_at: p.now,
    updated_at: p.now,
  };
}

// Every reply is queued through this insert: compiled once.
const insertOutbound = precompiledOn((db: Db, p: NewOutbound) =>
  db
    .insertInto("messages")
    .values(outboundValues(p))
    .onConflict((oc) => oc.column("idempotency_key").doNothing())
    .returning("id"),
);

const CLAIMED = [
  "id",
  "owner_id",
  "channel",
  "address",
  "type",
  "body",
  "template",
  "book_id",
  "attempts",
] as const;
type Claimed = Omit<OutboxRow, "error_code">;

/** Rows per multi-row insert of `enqueueMany`: 20 parameters each. */
const INSERT_CHUNK = 500;

const claimQuery = precompiledOn((db: Db, p: { id: string; at: string; until: string }) =>
  db
    .updateTable("messages")
    .set((eb) => ({
      status: "sending",
      attempts: eb("attempts", "+", 1),
      locked_until: p.until,
      updated_at: p.at,
    }))
    .where("id", "=", p.id)
    .where("status", "=", "queued")
    .where((eb) => eb.or([eb("next_attempt_at", "is", null), eb("next_attempt_at", "<=", p.at)]))
    .returning(CLAIMED),
);

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

interface Log {
  warn(obj: object, msg: string): void;
}

type Sent = { id: string; providerId: string; at: string };

/**
 * The outbox: every outbound message is a `messages` row, queued with a `channels.send` job in the same
 * unit of work, so a message exists exactly when the write that caused it committed and its job with it.
 * The messages one transaction queues (by every unit of a group commit) share their jobs: the job rows are
 * written once, just before the commit (`UnitOfWork.collect`), one per SEND_BATCH messages. Send jobs
 * running at the same time share their statements too: the claims made in one turn are one UPDATE, the
 * sends that finish in the same turn are recorded by one UPDATE.
 */
export class OutboundMessages {
  /** Called after a send failed for good (e.g. to fall back to a template). */
  onFailed: ((row: OutboxRow, code: string | null) => Promise<void>) | undefined;
  // Job handlers run outside any transaction; the batches run on their own (never in a caller's one).
  private readonly claims = new TurnBatcher<string, Claimed | undefined>((ids) =>
    this.d.uow.outside(() => this.claimMany(ids)),
  );
  private readonly sends = new TurnBatcher<Sent, undefined>((done) =>
    this.d.uow.outside(() => this.markSentMany(done)),
  );
  /** The send jobs of the messages a transaction queued, written once before it commits. */
  private readonly sendJobs: Collector<string> = {
    flush: async (ids) => {
      const items = [];
      for (let i = 0; i < ids.length; i += SEND_BATCH)
        items.push({ payload: { messageIds: ids.slice(i, i + SEND_BATCH) } });
      await this.d.queue.enqueueMany(channelsSend, items);
    },
  };
  private readonly inFlight = new Slots(MAX_IN_FLIGHT);

  constructor(
    private readonly d: {
      uow: UnitOfWork;
      queue: Queue;
      channels: Channels;
      clock: Clock;
      log: Log;
      /** Random source for the backoff's jitter (tests pass a fixed one). */
      random?: () => number;
    },
  ) {}

  private get db(): Db {
    return this.d.uow.db;
  }

  /** Stores a message as queued with its send job; returns its id, or null when its key was already used. */
  async enqueue(m: OutboundMessage): Promise<string | null> {
    return this.d.uow.transaction(async () => {
      const now = this.d.clock.now();
      const row = toRow(m, newId(now.getTime()), now.toISOString());
      const [inserted] = await insertOutbound(this.db, row);
      if (!inserted) return null;
      await this.d.uow.collect(this.sendJobs, row.id);
      return row.id;
    });
  }

  /**
   * Stores several messages with their send jobs in one unit of work: one multi-row insert of the messages
   * however many there are, their jobs with those of the rest of the transaction; returns each one's id in
   * order, or null where its key was already used (or used earlier in the list).
   */
  async enqueueMany(ms: readonly OutboundMessage[]): Promise<(string | null)[]> {
    if (ms.length <= 1) return Promise.all(ms.map((m) => this.enqueue(m)));
    return this.d.uow.transaction(async () => {
      const now = this.d.clock.now();
      const at = now.toISOString();
      const rows = ms.map((m) => toRow(m, newId(now.getTime()), at));
      const stored = new Set<string>();
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const inserted = await this.db
          .insertInto("messages")
          .values(rows.slice(i, i + INSERT_CHUNK).map(outboundValues))
          .onConflict((oc) => oc.column("idempotency_key").doNothing())
          .returning("id")
          .execute();
        for (const r of inserted) stored.add(r.id);
      }
      for (const r of rows) if (stored.has(r.id)) await this.d.uow.collect(this.sendJobs, r.id);
      return rows.map((r) => (stored.has(r.id) ? r.id : null));
    });
  }

  /**
   * The job handler: claims its messages (those still queued and due), sends each (at most MAX_IN_FLIGHT
   * sends at once in this process) and records each outcome; a transient failure is retried by a job of
   * its own. Throws only when an outcome could not be recorded or the attempt was aborted (timeout, stop),
   * so the queue runs the job again for the messages still queued.
   */
  async send(payload: { messageIds: string[] } | { messageId: string }, ctx: JobContext): Promise<void> {
    const ids = "messageIds" in payload ? payload.messageIds : [payload.messageId];
    // Each message's slot wait and send listen on the job's signal: up to two listeners per message.
    if (ids.length > 4) setMaxListeners(2 * ids.length + 10, ctx.signal);
    const outcomes = await Promise.allSettled(ids.map((id) => this.sendOne(id, ctx)));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    if (failed) throw failed.reason;
    if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error("aborted");
  }

  /** Claims, sends and records one message of a job (nothing when it is not queued and due). */
  private async sendOne(messageId: string, ctx: JobContext): Promise<void> {
    // A slot before the claim: a message not yet claimed when the attempt is aborted stays queued.
    if (!(await this.inFlight.acquire(ctx.signal))) return;
    let row: Claimed | undefined;
    try {
      row = await this.claims.add(messageId);
      if (!row) return;
      const result = await this.deliver(row, ctx);
      if ("providerId" in result) {
        await this.sends.add({
          id: row.id,
          providerId: result.providerId,
          at: this.d.clock.now().toISOString(),
        });
        return;
      }
      await this.recordFailure(row, result.error);
    } finally {
      this.inFlight.release();
    }
  }

  private async deliver(
    row: Claimed,
    ctx: JobContext,
  ): Promise<{ providerId: string } | { error: ChannelSendError }> {
    const channel = this.d.channels[row.channel];
    try {
      if (!channel) throw new ChannelSendError(`the ${row.channel} channel is not configured`, true);
      return row.type === "template"
        ? await channel.sendTemplate(row.address, JSON.parse(row.template ?? "{}") as TemplateMessage, {
            signal: ctx.signal,
          })
        : await channel.sendText(row.address, row.body ?? "", { signal: ctx.signal });
    } catch (err) {
      return {
        error:
          err instanceof ChannelSendError
            ? err
            : new ChannelSendError(err instanceof Error ? err.message : String(err), false),
      };
    }
  }

  /**
   * A failed send: for good (permanent, or out of attempts: failed, reported) or back to queued with a job of
   * its own due after the backoff for its attempts (the message waits until then: a job of its batch run
   * again meanwhile leaves it alone).
   */
  private async recordFailure(row: Claimed, error: ChannelSendError): Promise<void> {
    const final = error.permanent || row.attempts >= channelsSend.policy.attempts;
    const now = this.d.clock.now();
    const retryAt = new Date(now.getTime() + backoffDelay(channelsSend.policy, row.attempts, this.d.random));
    await this.d.uow.grouped(async () => {
      await this.db
        .updateTable("messages")
        .set({
          status: final ? "failed" : "queued",
          locked_until: null,
          next_attempt_at: final ? null : retryAt.toISOString(),
          error_code: error.code ?? null,
          last_error: error.message.slice(0, 2000),
          updated_at: now.toISOString(),
        })
        .where("id", "=", row.id)
        .execute();
      if (!final) await this.d.queue.enqueue(channelsSend, { messageIds: [row.id] }, { runAt: retryAt });
    });
    this.d.log.warn(
      { messageId: row.id, channel: row.channel, err: error.message, final },
      "outbound message not sent",
    );
    if (final) await this.onFailed?.({ ...row, error_code: error.code ?? null }, error.code ?? null);
  }

  /**
   * Claims messages queued → sending in one statement (committed before any of them is sent) and gives
   * each id its row, or undefined where it is not queued: one found still `sending` (the attempt before
   * died mid-send) is failed instead of resent, so that it cannot arrive twice. An id asked for twice in
   * one batch is given to one caller only.
   */
  private async claimMany(ids: string[]): Promise<(Claimed | undefined)[]> {
    const now = this.d.clock.now();
    const at = now.toISOString();
    const until = new Date(now.getTime() + channelsSend.policy.timeoutMs * 2).toISOString();
    const unique = [...new Set(ids)];
    const byId = await this.d.uow.grouped(async () => {
      const rows =
        unique.length === 1
          ? await claimQuery(this.db, { id: unique[0]!, at, until })
          : await this.claimQueued(unique, at, until);
      const claimed = new Map(rows.map((r) => [r.id, r]));
      const missing = unique.filter((id) => !claimed.has(id));
      if (missing.length > 0)
        await this.db
          .updateTable("messages")
          .set({
            status: "failed",
            locked_until: null,
            last_error: "interrupted while sending; not resent so that it cannot arrive twice",
            updated_at: at,
          })
          .where("id", "in", missing)
          .where("status", "=", "sending")
          .execute();
      return claimed;
    });
    return ids.map((id) => {
      const row = byId.get(id);
      byId.delete(id);
      return row;
    });
  }

  /**
   * The multi-row claim: an UPDATE … FROM over the ids as one JSON parameter, so the statement's text is
   * the same for any count and each row is found by its key (`id IN (json)` made SQLite walk every queued
   * message instead).
   */
  private async claimQueued(ids: string[], at: string, until: string): Promise<Claimed[]> {
    const list = JSON.stringify(ids);
    const cols = sql.join(CLAIMED.map((c) => sql.ref(`messages.${c}`)));
    const set = sql`status = 'sending', attempts = attempts + 1, locked_until = ${until}, updated_at = ${at}`;
    const due = sql`(messages.next_attempt_at is null or messages.next_attempt_at <= ${at})`;
    const r = await (this.d.uow.kind === "postgres"
      ? sql<Claimed>`update messages set ${set} from jsonb_array_elements_text(${list}::jsonb) as v(id)
          where messages.id = v.id and messages.status = 'queued' and ${due} returning ${cols}`
      : sql<Claimed>`update messages set ${set} from (select value as id from json_each(${list})) as v
          where messages.id = v.id and messages.status = 'queued' and ${due} returning ${cols}`
    ).execute(this.db);
    return r.rows;
  }

  /** Records sends that succeeded: one UPDATE … FROM over the batch as JSON (the precompiled one for one). */
  private async markSentMany(done: Sent[]): Promise<undefined[]> {
    await this.d.uow.grouped(async () => {
      if (done.length === 1) {
        await markSent(this.db, done[0]!);
        return;
      }
      const list = JSON.stringify(done.map((d) => ({ id: d.id, pid: d.providerId, at: d.at })));
      const set = sql`status = 'sent', provider_id = v.pid, locked_until = null, next_attempt_at = null, error_code = null,
        last_error = null, updated_at = v.at`;
      await (this.d.uow.kind === "postgres"
        ? sql`update messages set ${set}
            from jsonb_to_recordset(${list}::jsonb) as v(id text, pid text, at timestamptz)
            where messages.id = v.id`
        : sql`update messages set ${set}
            from (select value ->> 'id' as id, value ->> 'pid' as pid, value ->> 'at' as at
                  from json_each(${list})) as v
            where messages.id = v.id`
      ).execute(this.db);
    });
    return done.map(() => undefined);
  }
}

function toRow(m: OutboundMessage, id: string, now: string): NewOutbound {
  return {
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
  };
}
