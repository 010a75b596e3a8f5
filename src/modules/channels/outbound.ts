import { Type } from "@sinclair/typebox";
import type { Kysely } from "kysely";
import {
  type ChannelKind,
  ChannelSendError,
  type Channels,
  type TemplateMessage,
} from "../../platform/channels/channel.js";
import type { Clock } from "../../platform/clock.js";
import { precompiledOn } from "../../platform/db/precompile.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { newId } from "../../platform/ids.js";
import { defineJob, type JobContext, type Queue } from "../../platform/queue/queue.js";
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

/**
 * Sends one outbound message (the `messages` row stays the record of it). At least once like every job,
 * but never sent twice: a row is claimed queued → sending before the send, and an attempt that finds it
 * still `sending` (its predecessor died mid-send) marks it failed instead of sending again — providers have
 * no idempotency key, so a resend could deliver twice.
 */
export const channelsSend = defineJob({
  name: "channels.send",
  payload: Type.Object(
    { messageId: Type.String({ minLength: 1, maxLength: 64 }) },
    { additionalProperties: false },
  ),
  // Sends mostly wait on the provider: many run at once.
  policy: {
    attempts: 6,
    backoff: { baseMs: 2_000, maxMs: 10 * 60_000 },
    timeoutMs: 30_000,
    concurrency: 128,
  },
});

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
        next_attempt_at: null,
        locked_until: null,
        error_code: null,
        last_error: null,
        created_at: p.now,
        updated_at: p.now,
      })
      .onConflict((oc) => oc.column("idempotency_key").doNothing())
      .returning("id"),
);

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
    .returning(["id", "owner_id", "channel", "address", "type", "body", "template", "book_id", "attempts"]),
);

const markSent = precompiledOn((db: Db, p: { id: string; providerId: string; at: string }) =>
  db
    .updateTable("messages")
    .set({
      status: "sent",
      provider_id: p.providerId,
      locked_until: null,
      error_code: null,
      last_error: null,
      updated_at: p.at,
    })
    .where("id", "=", p.id),
);

interface Log {
  warn(obj: object, msg: string): void;
}

/**
 * The outbox: every outbound message is a `messages` row, queued with a `channels.send` job in the same
 * unit of work, so a message exists exactly when the write that caused it committed and its job with it.
 */
export class OutboundMessages {
  /** Called after a send failed for good (e.g. to fall back to a template). */
  onFailed: ((row: OutboxRow, code: string | null) => Promise<void>) | undefined;

  constructor(
    private readonly d: { uow: UnitOfWork; queue: Queue; channels: Channels; clock: Clock; log: Log },
  ) {}

  private get db(): Db {
    return this.d.uow.db;
  }

  /** Stores a message as queued with its send job; returns its id, or null when its key was already used. */
  async enqueue(m: OutboundMessage): Promise<string | null> {
    return this.d.uow.transaction(async () => {
      const now = this.d.clock.now();
      const id = newId(now.getTime());
      const [row] = await insertOutbound(this.db, {
        id,
        owner_id: m.ownerId,
        channel: m.channel,
        address: m.address,
        type: m.content.type,
        body: m.content.type === "text" ? m.content.body : null,
        template: m.content.type === "template" ? JSON.stringify(m.content.template) : null,
        book_id: m.bookId ?? null,
        idempotency_key: m.idempotencyKey,
        now: now.toISOString(),
      });
      if (!row) return null;
      await this.d.queue.enqueue(channelsSend, { messageId: row.id }, { idempotencyKey: row.id });
      return row.id;
    });
  }

  /** The job handler: claim, send, record the outcome (a transient failure is retried by the queue). */
  async send({ messageId }: { messageId: string }, ctx: JobContext): Promise<void> {
    const now = this.d.clock.now();
    const row = await this.d.uow.grouped(async () => {
      const [claimed] = await claimQuery(this.db, {
        id: messageId,
        at: now.toISOString(),
        until: new Date(now.getTime() + channelsSend.policy.timeoutMs * 2).toISOString(),
      });
      if (claimed) return claimed;
      // Interrupted while sending (the attempt before this one died): not resent, so it cannot arrive twice.
      await this.db
        .updateTable("messages")
        .set({
          status: "failed",
          locked_until: null,
          last_error: "interrupted while sending; not resent so that it cannot arrive twice",
          updated_at: now.toISOString(),
        })
        .where("id", "=", messageId)
        .where("status", "=", "sending")
        .execute();
      return undefined;
    });
    if (!row) return;
    const channel = this.d.channels[row.channel];
    let error: ChannelSendError;
    try {
      if (!channel) throw new ChannelSendError(`the ${row.channel} channel is not configured`, true);
      const result =
        row.type === "template"
          ? await channel.sendTemplate(row.address, JSON.parse(row.template ?? "{}") as TemplateMessage, {
              signal: ctx.signal,
            })
          : await channel.sendText(row.address, row.body ?? "", { signal: ctx.signal });
      await this.d.uow.grouped(() =>
        markSent(this.db, {
          id: row.id,
          providerId: result.providerId,
          at: this.d.clock.now().toISOString(),
        }),
      );
      return;
    } catch (err) {
      error =
        err instanceof ChannelSendError
          ? err
          : new ChannelSendError(err instanceof Error ? err.message : String(err), false);
    }
    const final = error.permanent || row.attempts >= channelsSend.policy.attempts;
    await this.d.uow.grouped(() =>
      this.db
        .updateTable("messages")
        .set({
          status: final ? "failed" : "queued",
          locked_until: null,
          error_code: error.code ?? null,
          last_error: error.message.slice(0, 2000),
          updated_at: this.d.clock.now().toISOString(),
        })
        .where("id", "=", row.id)
        .execute(),
    );
    this.d.log.warn(
      { messageId: row.id, channel: row.channel, err: error.message, final },
      "outbound message not sent",
    );
    if (!final) throw error;
    await this.onFailed?.({ ...row, error_code: error.code ?? null }, error.code ?? null);
  }
}
