import { createHmac, timingSafeEqual } from "node:crypto";
import type { Clock } from "../../platform/clock.js";
import type { ChannelKind } from "../../platform/db/schema.js";
import { newId } from "../../platform/ids.js";
import { safeEqual } from "../../platform/secrets.js";
import type { TextChannel, TextReply, TextService } from "../text/text.service.js";
import type { ChannelsRepo, LinkRow } from "./channels.repo.js";
import { type ChannelsService, OUTSIDE_WINDOW } from "./channels.service.js";
import type { Outbox } from "./outbox.js";

/** Deliveries older than this are replays (or a backlog) and are ignored. */
export const MAX_AGE_MS = 24 * 60 * 60_000;

export const REPLIES = {
  onlyText: "Sorry, I only understand text messages. Send `help` to see what I can do.",
  linked: "Linked! This chat is now connected to your Readlog account. Send `help` to see what I understand.",
  badCode:
    "That code is wrong, used or expired. Create a new one in Readlog (POST /api/channels) and send it here.",
  failed: "Sorry, something went wrong on my side. Please try again in a moment.",
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
 * runs text through the TextService and queues the reply in the outbox, and applies status updates.
 */
export class InboundService {
  constructor(
    private readonly repo: ChannelsRepo,
    private readonly channels: ChannelsService,
    private readonly outbox: Outbox,
    private readonly text: Pick<TextService, "handle">,
    private readonly clock: Clock,
    private readonly log: Log,
  ) {}

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
    if (received > 0) this.outbox.kick();
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
    if (isNew) this.outbox.kick();
    return isNew ? 1 : 0;
  }

  /** Checks Telegram's secret header in constant time. */
  static validTelegramSecret(expected: string, header: string | undefined): boolean {
    return typeof header === "string" && safeEqual(header, expected);
  }

  private async message(m: Inbound): Promise<boolean> {
    const now = this.clock.now();
    if (!(now.getTime() - m.sentAt.getTime() <= MAX_AGE_MS)) {
      this.log.warn(
        { channel: m.channel, providerId: m.providerId, sentAt: m.sentAt },
        "stale delivery ignored",
      );
      return false;
    }
    const at = now.toISOString();
    let link = await this.repo.findLink(m.channel, m.address, m.userKey);
    const inboundId = newId(now.getTime());
    const fresh = await this.repo.recordInbound({
      id: inboundId,
      ownerId: link?.owner_id ?? null,
      channel: m.channel,
      address: m.address,
      type: m.type,
      body: m.text,
      providerId: m.providerId,
      replyToProviderId: m.replyToProviderId,
      at,
    });
    if (!fresh) return false;

    let reply: TextReply;
    if (m.linkCode) {
      const owner = await this.channels.redeem(m.channel, m.linkCode, m.address, m.userKey, m.display);
      reply = { text: owner ? REPLIES.linked : REPLIES.badCode };
      if (owner) link = await this.repo.findLink(m.channel, m.address, m.userKey);
    } else if (!link) {
      reply = { text: REPLIES.onboarding(m.channel) };
    } else {
      reply = m.text === null ? { text: REPLIES.onlyText } : await this.answer(link, m);
    }
    const touched = !m.linkCode && link ? link : undefined;
    const outbound = {
      ownerId: link?.owner_id ?? null,
      channel: m.channel,
      address: m.address,
      idempotencyKey: `reply:${inboundId}`,
      bookId: reply.bookId ?? null,
      content: { type: "text" as const, body: reply.text },
    };
    // One commit for the sender's last inbound time and the queued reply.
    if (touched)
      await this.repo.inTransaction(async (tx) => {
        await tx.touchInbound(touched.id, at);
        await this.outbox.enqueue(outbound, tx.db);
      });
    else await this.outbox.enqueue(outbound);
    return true;
  }

  private async answer(link: LinkRow, m: Inbound): Promise<TextReply> {
    const bookId = m.replyToProviderId
      ? await this.repo.bookOfOutbound(m.channel, m.replyToProviderId, link.owner_id)
      : undefined;
    try {
      return await this.text.handle(
        {
          userId: link.owner_id,
          channel: m.channel as TextChannel,
          conversationKey: `${m.channel}:${m.address}`,
          ...(bookId ? { replyTo: { bookId } } : {}),
          receivedAt: m.sentAt,
        },
        m.text ?? "",
      );
    } catch (err) {
      this.log.error({ err, channel: m.channel, providerId: m.providerId }, "text command failed");
      return { text: REPLIES.failed };
    }
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
      await this.channels.fallBack({ ...row, attempts: row.attempts }, code);
  }
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
