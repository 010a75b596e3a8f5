import type { Generated } from "kysely";
import type { ChannelKind } from "../../platform/channels/channel.js";
import { type EnumValue, enumeration } from "../../platform/enum.js";
import type { Instant } from "../users/users.tables.js";

/** A message's state: inbound ones are `received`; outbound ones go queued → sending → sent → delivered → read, or failed. */
export const MESSAGE_STATUSES = enumeration([
  "received",
  "queued",
  "sending",
  "sent",
  "delivered",
  "read",
  "failed",
]);
export type MessageStatus = EnumValue<typeof MESSAGE_STATUSES>;

/** A verified link between a user and a WhatsApp number / Telegram chat. */
export interface ChannelLinksTable {
  id: string;
  owner_id: string;
  kind: ChannelKind;
  /** WhatsApp: the wa_id (digits), or the business-scoped user id when no number is known; Telegram: chat id. */
  address: string;
  /** WhatsApp business-scoped user id (`from_user_id`), when Meta sent one. */
  user_key: string | null;
  /** What to show in lists: the phone number, or the Telegram name. */
  display: string | null;
  verified_at: Instant;
  /** The last inbound message: WhatsApp's 24-hour window for free text runs from here. */
  last_inbound_at: Instant | null;
}

/** A one-time link code; only its SHA-256 is kept. */
export interface ChannelCodesTable {
  code_hash: string;
  owner_id: string;
  kind: ChannelKind;
  /** WhatsApp: the digits of the number the code must come from. */
  phone: string | null;
  created_at: Instant;
  expires_at: Instant;
  used_at: Instant | null;
}

/** Inbound deliveries and outbound messages, in one table: the record of every message. */
export interface MessagesTable {
  id: string;
  /** Null for messages from or to an address that is linked to nobody. */
  owner_id: string | null;
  direction: "in" | "out";
  channel: ChannelKind;
  /** Sender (inbound) or recipient (outbound). */
  address: string;
  /** "text", "template", or an inbound message type ("image", "audio", …). */
  type: string;
  body: string | null;
  /** Outbound templates: JSON {name, language, params}. */
  template: string | null;
  book_id: string | null;
  /** The provider's message id (wamid…, Telegram update/message id); unique per channel and direction. */
  provider_id: string | null;
  /** Inbound: the provider id of the message this one replies to. */
  reply_to_provider_id: string | null;
  /** Outbound: unique, so a retried handler never queues a message twice. */
  idempotency_key: string | null;
  status: MessageStatus;
  /** Outbound: send attempts made (by the channels.send job). */
  attempts: Generated<number>;
  /** Unused since sends became jobs (the queue schedules retries); kept for databases that have it. */
  next_attempt_at: Instant | null;
  /** Outbound: while `sending`, when the attempt's lease ends. */
  locked_until: Instant | null;
  error_code: string | null;
  last_error: string | null;
  created_at: Instant;
  updated_at: Instant;
}

export interface ChannelsTables {
  channel_links: ChannelLinksTable;
  channel_codes: ChannelCodesTable;
  messages: MessagesTable;
}
