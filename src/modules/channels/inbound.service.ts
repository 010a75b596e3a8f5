import { createHmac, timingSafeEqual } from "node:crypto";
import type { ChannelKind } from "../../platform/channels/channel.js";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { newId } from "../../platform/ids.js";
import { KeyedQueue } from "../../platform/keyed-queue.js";
import { safeEqual } from "../../platform/secrets.js";
import type { TextChannel, TextContext, TextReply, TextService } from "../text/text.service.js";
import type { ChannelsRepo, LinkRow } from "./channels.repo.js";
import { type ChannelsService, OUTSIDE_WINDOW } from "./channels.service.js";
import type { OutboundMessages } from "./outbound.js";

/** Deliveries older than this are replays (or a backlog) and are ignored. */
export const MAX_AGE_MS = 24 * 60 * 60_000;
/** A link's `last_inbound_at` is moved forward at most this often. */
const TOUCH_EVERY_MS = 60_000;

export const REPLIES = {
  onlyText: "Sorry, I only understand text messages. Send `help` to see what I can do.",
  linked: "Linked! This chat is now connected to your Readlog account. Send `help` to see what I understand.",
  badCode:
    "That code is wrong, used or expired. Create a new one in Readlog (POST /api/channels) and send it here.",
  onboarding: (kind: ChannelKind) =>
    kind === "whatsapp"
      ? "Hi! This number is not linked to a Readlog account yet. In Readlog, create a WhatsApp link code for your number, then send `link <code>` here."
      : "Hi! This chat is not linked to a Readlog account yet. In Readlog, create a Telegram link code, then send `/start <code>` here.",
};

interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** One inbound message, provider-neutral. */
interface Inbound {
  channel: ChannelKind;
  providerId: string;
  /** WhatsApp wa_id / Telegram chat id; the business-scoped user id when that is all Meta sent. */
  address: string;
  userKey: string | null;
  display: string | null;
  sentAt: Date;
  type: string;
  text: string | null;
  replyToProviderId: string | null;
  linkCode: string | null;
}

export type Verdict = { status: 200; received: number } | { status: 401 | 404; detail: string };

/** Verifies `sha256=<hex>` = HMAC-SHA256(secret, raw body), in constant time. */
export function validMetaSignature(secret: string, raw: Buffer, header: string | undefined): boolean {
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? "");
  if (!m) return false;
  const expected = createHmac("sha256", secret).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(m[1]!, "hex"));
}

/**
 * Webhook deliveries from WhatsApp and Telegram: dedupes them by provider id, links senders with codes,
 * runs text through the TextService and queues the reply in the outbox, and applies status updates. A
 * message's inbound row, what its command records and its queued reply (with its send job) are one unit of
 * work, committed together with other messages arriving at the same time (group commit on SQLite): when any
 * of it fails, nothing is written and the webhook fails, so the provider delivers the message again.
 */
export class InboundService {
  private readonly repo: ChannelsRepo;
  private readonly clock: Clock;
  private readonly log: Log;
  /** One conversation's messages are handled one after another, in the order they arrived. */
  private readonly conversations = new KeyedQueue();

  constructor(
    private readonly d: {
      uow: UnitOfWork;
      repo: ChannelsRepo;
      channels: ChannelsService;
      outbox: OutboundMessages;
      text: Pick<TextService, "prepare" | "run">;
      clock: Clock;
      log: Log;
    },
  ) {
    this.repo = d.repo;
    this.clock = d.clock;
    this.log = d.log;
  }

  /** A parsed WhatsApp webhook body (already signature-checked). Returns how many messages were new. */
  async whatsapp(body: unknown): Promise<number> {
    let received = 0;
    for (const entry of asArray((body as { entry?: unknown })?.entry)) {
      for (const change of asArray((entry as { changes?: unknown }).changes)) {
        const value = (change as { value?: Record<string, unknown> }).value ?? {};
        const contacts = asArray(value.contacts) as {
          wa_id?: string;
          user_id?: string;
          profile?: { name?: string };
        }[];
        for (const raw of asArray(value.messages)) {
          const m = raw as Record<string, unknown> & {
            text?: { body?: unknown };
            context?: { id?: unknown };
          };
          const from = str(m.from);
          const userKey = str(m.from_user_id);
          const contact = contacts.find(
            (c) => (from && c.wa_id === from) || (userKey && c.user_id === userKey),
          );
          const address = from ?? userKey;
          const id = str(m.id);
          if (!address || !id) continue;
          const type = str(m.type) ?? "unknown";
          const text = type === "text" ? str(m.text?.body) : null;
          const code = text ? (/^\s*link\s+([A-Za-z0-9-]{4,20})\s*$/i.exec(text)?.[1] ?? null) : null;
          if (
            await this.message({
              channel: "whatsapp",
              providerId: id,
              address,
              userKey,
              display: from ? `+${from}` : (contact?.profile?.name ?? null),
              sentAt: new Date(Number(m.timestamp) * 1000),
              type,
              text,
              replyToProviderId: str(m.context?.id),
              linkCode: code,
            })
          )
            received++;
        }
        for (const raw of asArray(value.statuses)) await this.whatsappStatus(raw as Record<string, unknown>);
      }
    }
    return received;
  }

  /** A Telegram update (secret already checked). Returns 1 when it was new. */
  async telegram(update: unknown): Promise<number> {
    const u = update as {
      update_id?: unknown;
      message?: {
        message_id?: number;
        date?: number;
        text?: unknown;
        chat?: { id?: unknown; first_name?: string; username?: string };
        from?: { first_name?: string; username?: string };
        reply_to_message?: { message_id?: number };
      };
    };
    const msg = u?.message;
    if (typeof u?.update_id !== "number" || !msg?.chat || msg.chat.id === undefined) return 0;
    const chat = String(msg.chat.id);
    const text = typeof msg.text === "string" ? msg.text : null;
    const code = text ? (/^\/start\s+([A-Za-z0-9-]{4,20})\s*$/.exec(text)?.[1] ?? null) : null;
    const isNew = await this.message({
      channel: "telegram",
      providerId: `update:${u.update_id}`,
      address: chat,
      userKey: null,
      display: msg.from?.username ? `@${msg.from.username}` : (msg.from?.first_name ?? null),
      sentAt: new Date(Number(msg.date) * 1000),
      type: text === null ? "other" : "text",
      text,
      replyToProviderId: msg.reply_to_message?.message_id
        ? `${chat}:${msg.reply_to_message.message_id}`
        : null,
      linkCode: code,
    });
    return isNew ? 1 : 0;
  }

  /** Checks Telegram's secret header in constant time. */
  static validTelegramSecret(expected: string, header: string | undefined): boolean {
    return typeof header === "string" && safeEqual(header, expected);
  }

  private message(delivered: Inbound): Promise<boolean> {
    const m = withoutNul(delivered);
    // A message is parsed against its conversation as the one before it left it (its page, its pending
    // question): so it waits until that one has committed, even when its own lookups would finish first.
    return this.conversations.run(`${m.channel}:${m.address}`, () => this.handle(m));
  }

  private async handle(m: Inbound): Promise<boolean> {
    const now = this.clock.now();
    if (!(now.getTime() - m.sentAt.getTime() <= MAX_AGE_MS)) {
      this.log.warn(
        { channel: m.channel, providerId: m.providerId, sentAt: m.sentAt },
        "stale delivery ignored",
      );
      return false;
    }
    const at = now.toISOString();
    const inboundId = newId(now.getTime());
    // Dedupe: false when this provider id was recorded before (a redelivery), and then nothing else is done.
    const record = (owner: LinkRow | undefined) =>
      this.repo.recordInbound({
        id: inboundId,
        ownerId: owner?.owner_id ?? null,
        channel: m.channel,
        address: m.address,
        type: m.type,
        body: m.text,
        providerId: m.providerId,
        replyToProviderId: m.replyToProviderId,
        at,
      });
    const queue = async (owner: LinkRow | undefined, reply: TextReply, touch: boolean) => {
      // The 24-hour reply window needs this to the minute, not per message: one write fewer per message.
      if (touch && owner && !(Date.parse(owner.last_inbound_at ?? "") > now.getTime() - TOUCH_EVERY_MS))
        await this.repo.touchInbound(owner.id, at);
      await this.d.outbox.enqueue({
        ownerId: owner?.owner_id ?? null,
        channel: m.channel,
        address: m.address,
        idempotencyKey: `reply:${inboundId}`,
        bookId: reply.bookId ?? null,
        content: { type: "text", body: reply.text },
      });
    };
    const link = await this.repo.findLink(m.channel, m.address, m.userKey);
    // Parsed and looked up (the network) before the unit of work opens.
    const prepared =
      link && m.text !== null && !m.linkCode
        ? await this.d.text.prepare(this.context(link, m, await this.repliedBook(link, m)), m.text)
        : undefined;
    // The delivery, what its command records and the queued reply: one unit of work.
    return this.d.uow.grouped(async () => {
      if (!(await record(link))) return false;
      if (m.linkCode) {
        const owner = await this.d.channels.redeem(m.channel, m.linkCode, m.address, m.userKey, m.display);
        const linked = owner ? await this.repo.findLink(m.channel, m.address, m.userKey) : link;
        await queue(linked, { text: owner ? REPLIES.linked : REPLIES.badCode }, false);
        return true;
      }
      if (link && prepared) {
        await queue(link, await this.d.text.run(prepared), true);
        return true;
      }
      await queue(link, { text: link ? REPLIES.onlyText : REPLIES.onboarding(m.channel) }, true);
      return true;
    });
  }

  /** The book of the message this one replies to (e.g. a reminder about it), if any. */
  private async repliedBook(link: LinkRow, m: Inbound): Promise<string | undefined> {
    if (!m.replyToProviderId) return undefined;
    return this.repo.bookOfOutbound(m.channel, m.replyToProviderId, link.owner_id);
  }

  private context(link: LinkRow, m: Inbound, bookId: string | undefined): TextContext {
    return {
      userId: link.owner_id,
      channel: m.channel as TextChannel,
      conversationKey: `${m.channel}:${m.address}`,
      ...(bookId ? { replyTo: { bookId } } : {}),
      receivedAt: m.sentAt,
    };
  }

  private async whatsappStatus(s: Record<string, unknown>): Promise<void> {
    const id = str(s.id);
    const status = str(s.status);
    if (!id || !status || !["sent", "delivered", "read", "failed"].includes(status)) return;
    const row = await this.repo.outboundByProviderId("whatsapp", id);
    if (!row) return;
    const rank = (x: string) => ["queued", "sending", "sent", "delivered", "read"].indexOf(x);
    // Statuses arrive out of order and more than once: only move forwards; a failure is final.
    if (row.status === "failed" || (status !== "failed" && rank(status) <= rank(row.status))) return;
    const err = asArray(s.errors)[0] as { code?: unknown; title?: unknown; message?: unknown } | undefined;
    const code = err?.code === undefined ? null : String(err.code);
    await this.repo.setStatus(
      row.id,
      status as "sent",
      status === "failed" ? { code, message: str(err?.message) ?? str(err?.title) ?? "failed" } : null,
      this.clock.now().toISOString(),
    );
    if (status === "failed" && code === OUTSIDE_WINDOW)
      await this.d.channels.fallBack({ ...row, attempts: row.attempts }, code);
  }
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** A provider's strings may hold U+0000, which no column stores (PostgreSQL refuses it): dropped on arrival. */
function withoutNul(m: Inbound): Inbound {
  const out: Record<string, unknown> = { ...m };
  for (const [k, v] of Object.entries(out)) if (typeof v === "string") out[k] = v.replaceAll("\u0000", "");
  return out as unknown as Inbound;
}

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
