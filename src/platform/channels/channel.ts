import type { ChannelKind } from "../db/schema.js";

/** A template message: needed on WhatsApp outside the 24-hour window. */
export interface TemplateMessage {
  name: string;
  language: string;
  /** Body variables {{1}}, {{2}}, … in order. */
  params: string[];
}

/** What a provider answered to a send. */
export interface SendResult {
  /** The provider's id for the message (wamid…, or `<chat>:<message_id>` on Telegram). */
  providerId: string;
}

/**
 * A send the provider refused or that did not complete. `permanent` errors (4xx except 429) are not
 * retried; the others (network, timeouts, 429, 5xx) are.
 */
export class ChannelSendError extends Error {
  override name = "ChannelSendError";
  constructor(
    message: string,
    readonly permanent: boolean,
    /** The provider's error code, when it gave one (e.g. Meta's 131026). */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The Channel port: sends to one messaging provider. Adapters: WhatsAppCloudChannel, TelegramChannel. */
export interface Channel {
  readonly kind: ChannelKind;
  /** Sends free text to `to`; resolves with the provider's message id or throws ChannelSendError. */
  sendText(to: string, text: string, opts?: { signal?: AbortSignal }): Promise<SendResult>;
  /** Sends an approved template (channels without templates send its variables as text). */
  sendTemplate(to: string, template: TemplateMessage, opts?: { signal?: AbortSignal }): Promise<SendResult>;
}

/** The channels that are configured, by kind. */
export type Channels = Partial<Record<ChannelKind, Channel>>;

/** POSTs JSON and classifies failures; shared by the adapters. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ status: number; json: unknown }> {
  const timeout = AbortSignal.timeout(timeoutMs);
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (err) {
    throw new ChannelSendError(`request failed: ${err instanceof Error ? err.message : String(err)}`, false);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text === "" ? null : JSON.parse(text);
  } catch {
    json = { raw: text.slice(0, 500) };
  }
  return { status: res.status, json };
}

/** Whether an HTTP status is worth retrying. */
export const retryable = (status: number) => status === 429 || status >= 500;
