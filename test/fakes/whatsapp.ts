import { createHmac, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { WhatsAppConfig } from "../../src/config.js";
import { json, LoopbackFake } from "./http-fake.js";

export const WA = {
  phoneNumberId: "114800000000001",
  accessToken: "EAAfake-access-token",
  appSecret: "fake-app-secret-0123456789",
  verifyToken: "fake-verify-token",
  apiVersion: "v21.0",
  template: { name: "readlog_message", language: "en_US" },
};

/** The app's WhatsApp configuration, pointed at a fake Graph API listening at `graphUrl`. */
export function waConfig(graphUrl: string): WhatsAppConfig {
  const { phoneNumberId, accessToken, appSecret, verifyToken, apiVersion, template } = WA;
  return { graphUrl, apiVersion, phoneNumberId, accessToken, appSecret, verifyToken, template };
}

/** The same as environment variables, for a server process or `loadConfig` (the template left at its default). */
export function waEnv(graphUrl: string): Record<string, string> {
  return {
    WHATSAPP_GRAPH_URL: graphUrl,
    WHATSAPP_API_VERSION: WA.apiVersion,
    WHATSAPP_PHONE_NUMBER_ID: WA.phoneNumberId,
    WHATSAPP_ACCESS_TOKEN: WA.accessToken,
    WHATSAPP_APP_SECRET: WA.appSecret,
    WHATSAPP_VERIFY_TOKEN: WA.verifyToken,
  };
}

/** One message the fake Graph API accepted, as Meta would see it. */
export interface WaSend {
  id: string;
  to: string;
  type: "text" | "template";
  text?: string;
  template?: { name: string; language: { code: string }; components?: unknown[] };
  /** The first body variable of a template. */
  param?: string;
}

/** The body of a Graph API error, as Meta sends it. */
export function graphError(code: number, message: string, type = "OAuthException", details?: string) {
  return {
    error: {
      message,
      type,
      code,
      ...(details ? { error_data: { messaging_product: "whatsapp", details } } : {}),
      fbtrace_id: `A${randomBytes(8).toString("hex")}`,
    },
  };
}

/**
 * A loopback WhatsApp Cloud API: `POST /{version}/{phone number id}/messages` with the Bearer token, answered
 * like Meta (message ids, error bodies). With `windowClosed`, free text is accepted but a `failed` status
 * with 131047 is queued in `pendingStatuses` for the test to deliver, as Meta does later.
 */
export class FakeWhatsAppGraph extends LoopbackFake {
  readonly sends: WaSend[] = [];
  /** Status webhooks Meta would send later (131047 failures), to be delivered by the test. */
  readonly pendingStatuses: Record<string, unknown>[] = [];
  windowClosed = false;
  /** Errors to answer the next sends with, in order: HTTP status and Meta's error body. */
  readonly failures: { status: number; body: unknown }[] = [];

  protected route(req: IncomingMessage, path: string, body: unknown, res: ServerResponse): boolean {
    if (req.method !== "POST" || path !== `/${WA.apiVersion}/${WA.phoneNumberId}/messages`) return false;
    if (req.headers.authorization !== `Bearer ${WA.accessToken}`)
      return json(res, 401, graphError(190, "Invalid OAuth access token - Cannot parse access token"));
    const b = body as {
      messaging_product?: string;
      to?: string;
      type?: string;
      text?: { body?: string };
      template?: WaSend["template"];
    };
    if (b.messaging_product !== "whatsapp" || !b.to || (b.type !== "text" && b.type !== "template"))
      return json(res, 400, graphError(100, "(#100) Invalid parameter", "OAuthException"));
    const failure = this.failures.shift();
    if (failure) return json(res, failure.status, failure.body);
    const id = `wamid.${Buffer.from(randomBytes(18)).toString("base64url")}`;
    const components = (b.template?.components ?? []) as { parameters?: { text?: string }[] }[];
    this.sends.push({
      id,
      to: b.to,
      type: b.type,
      ...(b.type === "text" ? { text: b.text?.body ?? "" } : {}),
      ...(b.template ? { template: b.template, param: components[0]?.parameters?.[0]?.text ?? "" } : {}),
    });
    if (this.windowClosed && b.type === "text")
      this.pendingStatuses.push({
        id,
        status: "failed",
        timestamp: String(Math.floor(Date.now() / 1000)),
        recipient_id: b.to,
        errors: [
          {
            code: 131047,
            title: "Re-engagement message",
            message: "Re-engagement message",
            error_data: {
              details:
                "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
            },
          },
        ],
      });
    return json(res, 200, {
      messaging_product: "whatsapp",
      contacts: [{ input: b.to, wa_id: b.to }],
      messages: [{ id }],
    });
  }
}

/** JSON as Meta serialises it: non-ASCII characters escaped as \uXXXX (so the bytes are ASCII). */
export function metaJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

export function metaSignature(secret: string, bytes: string | Buffer): string {
  return `sha256=${createHmac("sha256", secret).update(bytes).digest("hex")}`;
}

export interface TextOptions {
  id?: string;
  /** Unix seconds; default now (per `now`). */
  timestamp?: number;
  /** The wamid this message replies to. */
  context?: string;
  name?: string;
  /** Send only the business-scoped user id (a user with a WhatsApp username). */
  userIdOnly?: string;
}

/** Where a sender posts: app.inject in tests, real HTTP in the bench. */
export type Poster = (
  path: string,
  body: string,
  headers: Record<string, string>,
) => Promise<{ status: number; body: string }>;

/** Builds Meta's webhook envelopes and posts them signed exactly over the bytes sent. */
export class WhatsAppWebhookSender {
  private n = 0;
  constructor(
    private readonly post: Poster,
    private readonly now: () => Date = () => new Date(),
    private readonly secret = WA.appSecret,
  ) {}

  envelope(value: Record<string, unknown>) {
    return {
      object: "whatsapp_business_account",
      entry: [
        {
          id: "102290129340398",
          changes: [
            {
              field: "messages",
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: "15550984277", phone_number_id: WA.phoneNumberId },
                ...value,
              },
            },
          ],
        },
      ],
    };
  }

  /** An inbound message envelope and its id. */
  message(from: string, message: Record<string, unknown>, o: TextOptions = {}) {
    const id = o.id ?? `wamid.in${++this.n}${randomBytes(6).toString("hex")}`;
    const ts = String(o.timestamp ?? Math.floor(this.now().getTime() / 1000));
    const sender = o.userIdOnly ? { from_user_id: o.userIdOnly } : { from };
    return {
      id,
      body: this.envelope({
        contacts: [
          {
            profile: { name: o.name ?? "Lee" },
            ...(o.userIdOnly ? { user_id: o.userIdOnly } : { wa_id: from }),
          },
        ],
        messages: [
          { ...sender, id, timestamp: ts, ...(o.context ? { context: { id: o.context } } : {}), ...message },
        ],
      }),
    };
  }

  text(from: string, text: string, o: TextOptions = {}) {
    return this.message(from, { type: "text", text: { body: text } }, o);
  }

  /** Posts a body signed with the app secret (or `signature` as given; null sends none). */
  async send(body: unknown, opts: { signature?: string | null; raw?: string } = {}) {
    const bytes = opts.raw ?? metaJson(body);
    const signature = opts.signature === undefined ? metaSignature(this.secret, bytes) : opts.signature;
    return this.post("/webhooks/whatsapp", bytes, {
      "content-type": "application/json",
      ...(signature === null ? {} : { "x-hub-signature-256": signature }),
    });
  }

  /** Posts a text message; returns its wamid and the webhook's answer. */
  async sendText(from: string, text: string, o: TextOptions = {}) {
    const m = this.text(from, text, o);
    const res = await this.send(m.body);
    return { id: m.id, res };
  }

  statuses(statuses: Record<string, unknown>[]) {
    return this.send(this.envelope({ statuses }));
  }
}
