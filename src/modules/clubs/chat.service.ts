import { Type } from "@sinclair/typebox";
import type { Actor } from "../../platform/access/actor.js";
import type { AccessControl } from "../../platform/access/policy.js";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { AppError, invalidField, notFound, tooManyRequests } from "../../platform/errors.js";
import { defineEvent } from "../../platform/events/event.js";
import type { EventLog } from "../../platform/events/event-log.js";
import { newId } from "../../platform/ids.js";
import type { ChatRepo, MessageRow, ReactionRow } from "./chat.repo.js";
import type { ClubsRepo } from "./clubs.repo.js";
import { type ClubAnnouncer, clubRoom } from "./clubs.service.js";

/** Longest chat message, in characters. */
export const MAX_MESSAGE_CHARS = 2_000;
/** Most messages a member may post to one club in RATE_WINDOW_MS. */
export const RATE_LIMIT = 10;
export const RATE_WINDOW_MS = 10_000;
/** Most distinct reactions on one message; messages per history page. */
export const MAX_REACTION_KINDS = 20;
export const MAX_PAGE = 100;

/**
 * A chat message was posted to a club where some member has chat delivered to their phone (aggregate: the
 * club); that delivery hangs off it.
 */
export const clubMessagePosted = defineEvent(
  "club.message-posted",
  Type.Object({ clubId: Type.String(), messageId: Type.String() }),
);

export interface ChatMessage {
  id: string;
  clubId: string;
  authorId: string | null;
  authorName: string | null;
  body: string;
  replyToId: string | null;
  mentions: string[];
  source: string;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  reactions: { emoji: string; userIds: string[] }[];
}

export interface NewMessage {
  body: string;
  replyToId?: string;
  mentions?: string[];
}

/**
 * Club chat: messages persisted before anyone hears of them (the room is told after the commit), edits by
 * their author, deletes by their author or a moderator, replies, mentions (members only), reactions, read
 * marks and unread counts. A member may post RATE_LIMIT messages per RATE_WINDOW_MS to a club, counted in
 * the database (so across processes); what is refused is never stored.
 */
export class ChatService {
  constructor(
    private readonly d: {
      uow: UnitOfWork;
      chat: ChatRepo;
      clubs: ClubsRepo;
      access: AccessControl;
      events: EventLog;
      clock: Clock;
      rooms: ClubAnnouncer;
    },
  ) {}

  private tell(clubId: string, name: string, data: unknown): void {
    this.d.uow.afterCommit(() => this.d.rooms.broadcast(clubRoom(clubId), name, data));
  }

  async post(actor: Actor, clubId: string, m: NewMessage, source: string): Promise<ChatMessage> {
    await this.d.access.require(actor, "club.participate", clubId);
    const body = m.body.trim();
    if (body.length === 0) throw invalidField("body", "minLength", "must not be empty");
    if (body.length > MAX_MESSAGE_CHARS)
      throw invalidField("body", "maxLength", `must be at most ${MAX_MESSAGE_CHARS} characters`);
    const now = this.d.clock.now();
    const { recent, authorName, phones } = await this.d.chat.beforePost(
      clubId,
      actor.userId,
      new Date(now.getTime() - RATE_WINDOW_MS).toISOString(),
    );
    if (recent >= RATE_LIMIT)
      throw tooManyRequests(
        `At most ${RATE_LIMIT} messages every ${RATE_WINDOW_MS / 1000} s to one club`,
        RATE_WINDOW_MS / 1000,
      );
    if (m.replyToId) {
      const parent = await this.d.chat.byId(m.replyToId);
      if (parent?.club_id !== clubId)
        throw invalidField("replyToId", "message", "is not a message of this club");
    }
    const mentions = [...new Set(m.mentions ?? [])];
    if (mentions.length > 0) {
      const members = new Set(await this.d.clubs.memberIds(clubId));
      if (mentions.some((id) => !members.has(id)))
        throw invalidField("mentions", "member", "must name members of this club");
    }
    const id = newId(now.getTime());
    const row: MessageRow = {
      id,
      club_id: clubId,
      author_id: actor.userId,
      author_name: authorName,
      body,
      reply_to_id: m.replyToId ?? null,
      mentions: JSON.stringify(mentions),
      source,
      created_at: now.toISOString(),
      edited_at: null,
      deleted_at: null,
      deleted_by: null,
    };
    const { author_name: _, ...insert } = row;
    return this.d.uow.grouped(async () => {
      await this.d.chat.insert(insert);
      // One's own message is read.
      await this.d.clubs.setLastRead(clubId, actor.userId, id);
      // Its delivery to phones hangs off the event: recorded only when a member has chosen that.
      if (phones)
        await this.d.events.record(
          clubMessagePosted,
          { clubId, messageId: id },
          { aggregateId: clubId, ownerId: null },
        );
      // The message as stored (nothing of it is computed by the database): not read back.
      const message = toMessage(row, []);
      // Once committed: the room, then the mentioned members wherever they are.
      this.d.uow.afterCommit(async () => {
        await this.d.rooms.broadcast(clubRoom(clubId), "club:message", message);
        for (const userId of mentions)
          await this.d.rooms.broadcast(`user:${userId}`, "club:mention", {
            clubId,
            messageId: id,
            by: actor.userId,
          });
      });
      return message;
    });
  }

  /** The message if the actor may `action` on its club; a message of a club they are not in is missing. */
  private async visible(actor: Actor, messageId: string, action: string): Promise<MessageRow> {
    const message = await this.d.chat.byId(messageId);
    if (
      !message ||
      !(await this.d.access.allowed(actor, "club.read", [message.club_id])).has(message.club_id)
    )
      throw notFound("Message");
    await this.d.access.require(actor, action, message.club_id);
    return message;
  }

  async edit(actor: Actor, messageId: string, body: string, clubId?: string): Promise<ChatMessage> {
    const m = await this.visible(actor, messageId, "club.participate");
    if (clubId !== undefined && m.club_id !== clubId) throw notFound("Message");
    if (m.author_id !== actor.userId)
      throw new AppError(403, "forbidden", "Forbidden", "Only its author edits a message");
    if (m.deleted_at) throw new AppError(409, "conflict", "Conflict", "The message was deleted");
    const text = body.trim();
    if (text.length === 0) throw invalidField("body", "minLength", "must not be empty");
    const at = this.d.clock.now().toISOString();
    await this.d.uow.transaction(async () => {
      await this.d.chat.update(messageId, { body: text, edited_at: at });
      this.tell(m.club_id, "club:message-edited", { clubId: m.club_id, messageId, body: text, editedAt: at });
    });
    return toMessage({ ...m, body: text, edited_at: at }, await this.d.chat.reactionsOf([messageId]));
  }

  /** Deletes a message: its author, or a moderator of its club (anyone's). */
  async delete(actor: Actor, messageId: string, clubId?: string): Promise<void> {
    const m = await this.visible(actor, messageId, "club.participate");
    if (clubId !== undefined && m.club_id !== clubId) throw notFound("Message");
    if (m.author_id !== actor.userId) await this.d.access.require(actor, "club.moderate", m.club_id);
    if (m.deleted_at) return;
    const at = this.d.clock.now().toISOString();
    await this.d.uow.transaction(async () => {
      await this.d.chat.update(messageId, { body: "", deleted_at: at, deleted_by: actor.userId });
      this.tell(m.club_id, "club:message-deleted", { clubId: m.club_id, messageId, by: actor.userId });
    });
  }

  async react(actor: Actor, messageId: string, emoji: string, add: boolean, clubId?: string): Promise<void> {
    const m = await this.visible(actor, messageId, "club.participate");
    if (clubId !== undefined && m.club_id !== clubId) throw notFound("Message");
    if (m.deleted_at) throw new AppError(409, "conflict", "Conflict", "The message was deleted");
    await this.d.uow.transaction(async () => {
      if (add) {
        if ((await this.d.chat.countReactionKinds(messageId)) >= MAX_REACTION_KINDS)
          throw new AppError(
            409,
            "conflict",
            "Conflict",
            `At most ${MAX_REACTION_KINDS} kinds of reaction on a message`,
          );
        await this.d.chat.addReaction(messageId, actor.userId, emoji, this.d.clock.now().toISOString());
      } else await this.d.chat.removeReaction(messageId, actor.userId, emoji);
      this.tell(m.club_id, "club:reaction", {
        clubId: m.club_id,
        messageId,
        emoji,
        userId: actor.userId,
        add,
      });
    });
  }

  /** A page of history (oldest first): the latest before `before`, or those after `after` (catching up). */
  async history(
    actor: Actor,
    clubId: string,
    o: { before?: string; after?: string; limit?: number },
  ): Promise<{ items: ChatMessage[]; more: boolean }> {
    await this.d.access.require(actor, "club.read", clubId);
    const limit = Math.min(o.limit ?? 50, MAX_PAGE);
    const rows = await this.d.chat.page(clubId, { ...o, limit: limit + 1 });
    const more = rows.length > limit;
    const page =
      o.after !== undefined ? rows.slice(0, limit) : rows.slice(rows.length - Math.min(rows.length, limit));
    const reactions = await this.d.chat.reactionsOf(page.map((r) => r.id));
    return { items: page.map((r) => toMessage(r, reactions)), more };
  }

  /** Moves the actor's read mark forward to `messageId`; returns what is still unread. */
  async markRead(actor: Actor, clubId: string, messageId: string): Promise<number> {
    await this.d.access.require(actor, "club.participate", clubId);
    const [me, m] = await Promise.all([
      this.d.clubs.member(clubId, actor.userId),
      this.d.chat.byId(messageId),
    ]);
    if (m?.club_id !== clubId) throw invalidField("messageId", "message", "is not a message of this club");
    const mark = me?.last_read_id && me.last_read_id > messageId ? me.last_read_id : messageId;
    await this.d.clubs.updateMember(clubId, actor.userId, { last_read_id: mark });
    const unread = await this.d.chat.unread(clubId, actor.userId, mark);
    await this.d.rooms.broadcast(`user:${actor.userId}`, "club:read", { clubId, lastReadId: mark, unread });
    return unread;
  }

  async unread(actor: Actor, clubId: string): Promise<number> {
    const me = await this.d.clubs.member(clubId, actor.userId);
    return this.d.chat.unread(clubId, actor.userId, me?.last_read_id ?? null);
  }
}

function toMessage(r: MessageRow, reactions: readonly ReactionRow[]): ChatMessage {
  const mine = new Map<string, string[]>();
  for (const x of reactions)
    if (x.message_id === r.id) mine.set(x.emoji, [...(mine.get(x.emoji) ?? []), x.user_id]);
  return {
    id: r.id,
    clubId: r.club_id,
    authorId: r.author_id,
    authorName: r.author_name,
    body: r.body,
    replyToId: r.reply_to_id,
    mentions: JSON.parse(r.mentions) as string[],
    source: r.source,
    createdAt: r.created_at,
    editedAt: r.edited_at,
    deletedAt: r.deleted_at,
    reactions: [...mine].map(([emoji, userIds]) => ({ emoji, userIds })),
  };
}
