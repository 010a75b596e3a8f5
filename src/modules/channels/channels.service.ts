import { randomInt } from "node:crypto";
import type { Actor } from "../../platform/access/actor.js";
import type { AccessControl } from "../../platform/access/policy.js";
import type { ChannelKind, Channels, WhatsAppConfig } from "../../platform/channels/channel.js";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { badRequest } from "../../platform/errors.js";
import { newId } from "../../platform/ids.js";
import { sha256 } from "../../platform/secrets.js";
import type { ChannelsRepo, LinkRow } from "./channels.repo.js";
import type { OutboundMessage, OutboundMessages, OutboxRow } from "./outbound.js";

export const CODE_TTL_MS = 15 * 60_000;
/** WhatsApp accepts free text within 24 hours of the user's last message. */
export const WINDOW_MS = 24 * 60 * 60_000;
/** Meta's "re-engagement message" error: free text sent outside the window. */
export const OUTSIDE_WINDOW = "131047";
// No 0/O, 1/I/L: read aloud or typed from another screen without mistakes.
const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const CODE_LENGTH = 8;

/** Canonical form of a code as typed: upper case, no spaces or dashes. */
export const normalizeCode = (code: string) => code.replace(/[\s-]/g, "").toUpperCase();
export const hashCode = (code: string) => sha256(`channel-link:${normalizeCode(code)}`);

/** Digits only, as WhatsApp's wa_id carries them. */
export function normalizePhone(phone: string): string | null {
  const digits = phone.replace(/[\s()+.-]/g, "");
  return /^\d{6,15}$/.test(digits) ? digits : null;
}

/** Template variables may not hold newlines, tabs or more than four spaces in a row; Meta caps their length. */
export function templateParam(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 1000 ? `${flat.slice(0, 999)}…` : flat;
}

/** Linking accounts to WhatsApp/Telegram, and sending to linked users through the outbox. */
export class ChannelsService {
  private readonly repo: ChannelsRepo;
  private readonly outbox: OutboundMessages;
  private readonly channels: Channels;
  private readonly whatsapp: Pick<WhatsAppConfig, "template"> | null;
  private readonly clock: Clock;

  constructor(
    private readonly d: {
      uow: UnitOfWork;
      access: AccessControl;
      repo: ChannelsRepo;
      outbox: OutboundMessages;
      channels: Channels;
      whatsapp: Pick<WhatsAppConfig, "template"> | null;
      clock: Clock;
    },
  ) {
    this.repo = d.repo;
    this.outbox = d.outbox;
    this.channels = d.channels;
    this.whatsapp = d.whatsapp;
    this.clock = d.clock;
    d.outbox.onFailed = (row, code) => this.fallBack(row, code);
  }

  /** Which channels this server has configured. */
  enabled(): ChannelKind[] {
    return (Object.keys(this.channels) as ChannelKind[]).filter((k) => this.channels[k]);
  }

  /** A one-time code to send from the number or chat to link; only its hash is kept. */
  async createCode(actor: Actor, req: { kind: ChannelKind; phone?: string }) {
    const ownerId = actor.userId;
    if (!this.channels[req.kind])
      throw badRequest(`The ${req.kind} channel is not configured on this server`, [
        { field: "/kind", rule: "enabled", message: `${req.kind} is not configured on this server` },
      ]);
    let phone: string | null = null;
    if (req.kind === "whatsapp") {
      phone = normalizePhone(req.phone ?? "");
      if (!phone)
        throw badRequest("A WhatsApp link needs the phone number in international format", [
          {
            field: "/phone",
            rule: "phone",
            message: "must be an international number, e.g. +60 17 352 6233",
          },
        ]);
    }
    let code = "";
    for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + CODE_TTL_MS).toISOString();
    await this.repo.addCode({
      codeHash: hashCode(code),
      ownerId,
      kind: req.kind,
      phone,
      at: now.toISOString(),
      expiresAt,
    });
    const send = req.kind === "whatsapp" ? `link ${code}` : `/start ${code}`;
    return {
      kind: req.kind,
      code,
      send,
      expiresAt,
      instructions:
        req.kind === "whatsapp"
          ? `From WhatsApp on +${phone}, send "${send}" to this server's WhatsApp number within 15 minutes.`
          : `Open a chat with this server's Telegram bot and send "${send}" within 15 minutes.`,
    };
  }

  /** Links a sender with a code sent from it; the owner's id, or null for a bad, used or expired code. */
  redeem(kind: ChannelKind, code: string, address: string, userKey: string | null, display: string | null) {
    const at = this.clock.now();
    return this.d.uow.transaction(() =>
      this.repo.redeemCode({
        codeHash: hashCode(code),
        kind,
        address,
        userKey,
        display,
        at: at.toISOString(),
        newId: newId(at.getTime()),
      }),
    );
  }

  listLinks(actor: Actor): Promise<LinkRow[]> {
    return this.repo.linksOf(actor.userId);
  }

  async unlink(actor: Actor, id: string): Promise<void> {
    await this.d.access.require(actor, "channel-link.delete", id);
    await this.repo.deleteLink(actor.userId, id);
  }

  /**
   * Sends `text` to a linked user (reminders, prompts): on WhatsApp as free text inside the 24-hour
   * window and as the approved template outside it. Returns the outbox ids queued (none when unlinked).
   */
  async notify(
    ownerId: string,
    text: string,
    opts: { idempotencyKey: string; bookId?: string; kind?: ChannelKind },
  ): Promise<string[]> {
    const messages = this.messagesFor(ownerId, await this.repo.linksOf(ownerId, opts.kind), text, opts);
    return (await this.outbox.enqueueMany(messages)).filter((id) => id !== null);
  }

  /**
   * The outbound messages `notify` queues for these links of the owner (those whose channel is configured),
   * for callers that queue them in their own unit of work (`OutboundMessages.enqueueMany`).
   */
  messagesFor(
    ownerId: string,
    links: readonly Pick<LinkRow, "kind" | "address" | "last_inbound_at">[],
    text: string,
    opts: { idempotencyKey: string; bookId?: string },
  ): OutboundMessage[] {
    return links
      .filter((l) => this.channels[l.kind])
      .map((link) => ({
        ownerId,
        channel: link.kind,
        address: link.address,
        idempotencyKey: `${opts.idempotencyKey}:${link.kind}`,
        bookId: opts.bookId ?? null,
        content: this.content(link, text),
      }));
  }

  /** Free text, or the template when WhatsApp's window is closed. */
  content(link: Pick<LinkRow, "kind" | "last_inbound_at">, text: string) {
    const open =
      link.kind !== "whatsapp" ||
      (link.last_inbound_at !== null &&
        this.clock.now().getTime() - new Date(link.last_inbound_at).getTime() < WINDOW_MS);
    return open || !this.whatsapp
      ? { type: "text" as const, body: text }
      : { type: "template" as const, template: { ...this.whatsapp.template, params: [templateParam(text)] } };
  }

  /** A WhatsApp text refused for being outside the window is sent again as the template. */
  async fallBack(row: OutboxRow, code: string | null): Promise<void> {
    if (row.channel !== "whatsapp" || row.type !== "text" || code !== OUTSIDE_WINDOW || !this.whatsapp)
      return;
    await this.outbox.enqueue({
      ownerId: row.owner_id,
      channel: "whatsapp",
      address: row.address,
      idempotencyKey: `fallback:${row.id}`,
      bookId: row.book_id,
      content: {
        type: "template",
        template: { ...this.whatsapp.template, params: [templateParam(row.body ?? "")] },
      },
    });
  }
}
