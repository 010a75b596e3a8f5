import { Type } from "@sinclair/typebox";
import { CHANNEL_KINDS } from "../../platform/channels/channel.js";
import { Instant } from "../../platform/http/responses.js";
import type { LinkRow, MessageRow } from "./channels.repo.js";

export const ChannelKindSchema = CHANNEL_KINDS.schema();

export const CreateLinkBody = Type.Union([
  Type.Object(
    {
      kind: Type.Literal("whatsapp"),
      phone: Type.String({
        minLength: 6,
        maxLength: 32,
        description: "Your WhatsApp number in international format, e.g. +60 17 352 6233",
      }),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal("telegram") }, { additionalProperties: false }),
]);

export const LinkCode = Type.Object({
  kind: ChannelKindSchema,
  code: Type.String({ description: "One-time code; only its hash is stored" }),
  send: Type.String({ description: "The exact message to send from that number or chat" }),
  expiresAt: Instant,
  instructions: Type.String(),
});

export const ChannelLink = Type.Object({
  id: Type.String(),
  kind: ChannelKindSchema,
  address: Type.String({ description: "WhatsApp number (digits) or Telegram chat id" }),
  display: Type.Union([Type.String(), Type.Null()]),
  verifiedAt: Instant,
  lastInboundAt: Type.Union([Instant, Type.Null()], {
    description:
      "When the last message from this chat arrived, to within a minute (it opens the provider's 24-hour reply window)",
  }),
});

export const ChannelLinks = Type.Object({
  items: Type.Array(ChannelLink),
  enabled: Type.Array(ChannelKindSchema, { description: "Channels configured on this server" }),
});

export const Message = Type.Object({
  id: Type.String(),
  direction: Type.Union([Type.Literal("in"), Type.Literal("out")]),
  channel: ChannelKindSchema,
  address: Type.String(),
  type: Type.String({ description: "text, template, or the inbound type (image, audio, …)" }),
  body: Type.Union([Type.String(), Type.Null()]),
  template: Type.Union([
    Type.Object({ name: Type.String(), language: Type.String(), params: Type.Array(Type.String()) }),
    Type.Null(),
  ]),
  status: Type.String({
    description: "received (inbound); queued, sending, sent, delivered, read or failed",
  }),
  providerId: Type.Union([Type.String(), Type.Null()]),
  bookId: Type.Union([Type.String(), Type.Null()]),
  attempts: Type.Integer(),
  errorCode: Type.Union([Type.String(), Type.Null()], { description: "The provider's error code" }),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Instant,
  updatedAt: Instant,
});

export function toLink(row: LinkRow) {
  return {
    id: row.id,
    kind: row.kind,
    address: row.address,
    display: row.display,
    verifiedAt: row.verified_at,
    lastInboundAt: row.last_inbound_at,
  };
}

export function toMessage(row: MessageRow) {
  return {
    id: row.id,
    direction: row.direction,
    channel: row.channel,
    address: row.address,
    type: row.type,
    body: row.body,
    template: row.template ? JSON.parse(row.template) : null,
    status: row.status,
    providerId: row.provider_id,
    bookId: row.book_id,
    attempts: Number(row.attempts),
    errorCode: row.error_code,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
