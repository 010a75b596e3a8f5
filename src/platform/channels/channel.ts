import http from "node:http";
import https from "node:https";
import { type EnumValue, enumeration } from "../enum.js";

/** The messaging providers Readlog speaks. */
export const CHANNEL_KINDS = enumeration(["whatsapp", "telegram"]);
export type ChannelKind = EnumValue<typeof CHANNEL_KINDS>;

/** WhatsApp Business Cloud API settings. */
export interface WhatsAppConfig {
  graphUrl: string;
  apiVersion: string;
  phoneNumberId: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
  /** The approved template used outside the 24-hour window. */
  template: { name: string; language: string };
}

/** Telegram bot settings. */
export interface TelegramConfig {
  apiUrl: string;
  botToken: string;
  webhookSecret: string;
}

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

// Kept-alive connections to the providers. node:http rather than fetch: a send costs about a third of the
// CPU (no web streams, no transferable abort signals), which counts when 10,000 reminders go out at once.
const agents = {
  "http:": new http.Agent({ keepAlive: true }),
  "https:": new https.Agent({ keepAlive: true }),
};
/** Largest response body read; providers answer with a few hundred bytes. */
const MAX_RESPONSE = 1 << 20;

/**
 * POSTs JSON and reads the answer within `timeoutMs` (the whole exchange) or until `signal` aborts. Rejects
 * only with ChannelSendError (not permanent: nothing came back); any HTTP status resolves, for the caller
 * to classify.
 */
export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const agent = target.protocol === "https:" ? agents["https:"] : agents["http:"];
    const payload = Buffer.from(JSON.stringify(body));
    let settled = false;
    const finish = (err: Error | null, value?: { status: number; json: unknown }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (err) {
        req.destroy();
        reject(new ChannelSendError(`request failed: ${err.message}`, false));
      } else resolve(value!);
    };
    const onAbort = () => finish(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
    const req = (target.protocol === "https:" ? https : http).request(
      target,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": payload.length, ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE) finish(new Error(`response larger than ${MAX_RESPONSE} bytes`));
          else chunks.push(chunk);
        });
        res.on("error", (err) => finish(err));
        res.on("aborted", () => finish(new Error("response aborted")));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = text === "" ? null : JSON.parse(text);
          } catch {
            json = { raw: text.slice(0, 500) };
          }
          finish(null, { status: res.statusCode ?? 0, json });
        });
      },
    );
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    req.on("error", (err) => finish(err));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    req.end(payload);
  });
}

/** Whether an HTTP status is worth retrying. */
export const retryable = (status: number) => status === 429 || status >= 500;
