import type { Kysely, Selectable } from "kysely";
import type { ChannelKind } from "../../platform/channels/channel.js";
import { precompiledOn } from "../../platform/db/precompile.js";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import type { ChannelLinksTable, ChannelsTables, MessagesTable } from "./channels.tables.js";

type Db = Kysely<ChannelsTables>;

export type LinkRow = Selectable<ChannelLinksTable>;
export type MessageRow = Selectable<MessagesTable>;

/** An inbound delivery to record. */
export interface InboundRecord {
  id: string;
  ownerId: string | null;
  channel: ChannelKind;
  address: string;
  type: string;
  body: string | null;
  providerId: string;
  replyToProviderId: string | null;
  at: string;
}

// The per-delivery queries, compiled once.
const linkByAddress = precompiledOn((db: Db, p: { kind: string; address: string }) =>
  db
    .selectFrom("channel_links")
    .selectAll()
    .where("kind", "=", p.kind as ChannelKind)
    .where((eb) => eb.or([eb("address", "=", p.address)])),
);
const insertInbound = precompiledOn((db: Db, m: Omit<InboundRecord, "channel"> & { channel: string }) =>
  db
    .insertInto("messages")
    .values({
      id: m.id,
      owner_id: m.ownerId,
      direction: "in",
      channel: m.channel as ChannelKind,
      address: m.address,
      type: m.type,
      body: m.body,
      template: null,
      book_id: null,
      provider_id: m.providerId,
      reply_to_provider_id: m.replyToProviderId,
      idempotency_key: null,
      status: "received",
      attempts: 0,
      next_attempt_at: null,
      locked_until: null,
      error_code: null,
      last_error: null,
      created_at: m.at,
      updated_at: m.at,
    })
    .onConflict((oc) => oc.columns(["channel", "direction", "provider_id"]).doNothing())
    .returning("id"),
);
const touchLink = precompiledOn((db: Db, p: { id: string; at: string }) =>
  db.updateTable("channel_links").set({ last_inbound_at: p.at }).where("id", "=", p.id),
);

/** SQL of the channels module: links, link codes, inbound messages and message lists. */
export class ChannelsRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Db {
    return this.scope.db;
  }

  /** The verified link of a sender: by address, or (WhatsApp usernames) by business-scoped user id. */
  async findLink(
    kind: ChannelKind,
    address: string | null,
    userKey: string | null,
  ): Promise<LinkRow | undefined> {
    if (address === null && userKey === null) return undefined;
    if (userKey === null) return (await linkByAddress(this.db, { kind, address: address! }))[0];
    return this.db
      .selectFrom("channel_links")
      .selectAll()
      .where("kind", "=", kind)
      .where((eb) => {
        const or = [];
        if (address !== null) or.push(eb("address", "=", address));
        if (userKey !== null) or.push(eb("address", "=", userKey), eb("user_key", "=", userKey));
        return eb.or(or);
      })
      .executeTakeFirst();
  }

  linksOf(ownerId: string, kind?: ChannelKind): Promise<LinkRow[]> {
    let q = this.db.selectFrom("channel_links").selectAll().where("owner_id", "=", ownerId);
    if (kind) q = q.where("kind", "=", kind);
    return q.orderBy("id").execute();
  }

  async deleteLink(ownerId: string, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom("channel_links")
      .where("id", "=", id)
      .where("owner_id", "=", ownerId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async touchInbound(linkId: string, at: string): Promise<void> {
    await touchLink(this.db, { id: linkId, at });
  }

  async addCode(row: {
    codeHash: string;
    ownerId: string;
    kind: ChannelKind;
    phone: string | null;
    at: string;
    expiresAt: string;
  }): Promise<void> {
    await this.db
      .insertInto("channel_codes")
      .values({
        code_hash: row.codeHash,
        owner_id: row.ownerId,
        kind: row.kind,
        phone: row.phone,
        created_at: row.at,
        expires_at: row.expiresAt,
        used_at: null,
      })
      .execute();
  }

  /**
   * Uses a code once: marks it used (only if unused and unexpired) and creates or moves the link; call it
   * in a unit of work. Returns the owner, or null when the code is unknown, used, expired or for another number.
   */
  async redeemCode(args: {
    codeHash: string;
    kind: ChannelKind;
    address: string;
    userKey: string | null;
    display: string | null;
    at: string;
    newId: string;
  }): Promise<string | null> {
    const code = await this.db
      .selectFrom("channel_codes")
      .selectAll()
      .where("code_hash", "=", args.codeHash)
      .where("kind", "=", args.kind)
      .executeTakeFirst();
    if (!code || code.used_at !== null || code.expires_at <= args.at) return null;
    if (code.phone !== null && code.phone !== args.address) return null;
    const used = await this.db
      .updateTable("channel_codes")
      .set({ used_at: args.at })
      .where("code_hash", "=", args.codeHash)
      .where("used_at", "is", null)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) return null;
    // A number or chat belongs to one account: linking it again moves it.
    await this.db
      .deleteFrom("channel_links")
      .where("kind", "=", args.kind)
      .where("address", "=", args.address)
      .execute();
    await this.db
      .insertInto("channel_links")
      .values({
        id: args.newId,
        owner_id: code.owner_id,
        kind: args.kind,
        address: args.address,
        user_key: args.userKey,
        display: args.display ?? code.phone,
        verified_at: args.at,
        last_inbound_at: args.at,
      })
      .execute();
    return code.owner_id;
  }

  /** Records an inbound delivery; false when this provider id was recorded before (a redelivery). */
  async recordInbound(m: InboundRecord): Promise<boolean> {
    const rows = await insertInbound(this.db, m);
    return rows.length > 0;
  }

  async setInboundResult(id: string, bookId: string | null, error: string | null, at: string): Promise<void> {
    await this.db
      .updateTable("messages")
      .set({ book_id: bookId, last_error: error, updated_at: at })
      .where("id", "=", id)
      .execute();
  }

  /** The book an earlier outbound message (by provider id) was about, if it was this owner's. */
  async bookOfOutbound(
    channel: ChannelKind,
    providerId: string,
    ownerId: string,
  ): Promise<string | undefined> {
    const row = await this.db
      .selectFrom("messages")
      .select("book_id")
      .where("channel", "=", channel)
      .where("direction", "=", "out")
      .where("provider_id", "=", providerId)
      .where("owner_id", "=", ownerId)
      .executeTakeFirst();
    return row?.book_id ?? undefined;
  }

  outboundByProviderId(channel: ChannelKind, providerId: string): Promise<MessageRow | undefined> {
    return this.db
      .selectFrom("messages")
      .selectAll()
      .where("channel", "=", channel)
      .where("direction", "=", "out")
      .where("provider_id", "=", providerId)
      .executeTakeFirst();
  }

  async setStatus(
    id: string,
    status: MessageStatusUpdate["status"],
    error: { code: string | null; message: string | null } | null,
    at: string,
  ): Promise<void> {
    await this.db
      .updateTable("messages")
      .set({
        status,
        updated_at: at,
        ...(error ? { error_code: error.code, last_error: error.message } : {}),
      })
      .where("id", "=", id)
      .execute();
  }

  /** The owner's messages, newest first, `limit + 1` rows. */
  listMessages(ownerId: string, limit: number, before?: string): Promise<MessageRow[]> {
    let q = this.db.selectFrom("messages").selectAll().where("owner_id", "=", ownerId);
    if (before) q = q.where("id", "<", before);
    return q
      .orderBy("id", "desc")
      .limit(limit + 1)
      .execute();
  }
}

export interface MessageStatusUpdate {
  status: "sent" | "delivered" | "read" | "failed";
}
