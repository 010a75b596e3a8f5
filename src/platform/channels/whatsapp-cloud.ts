import {
  type Channel,
  ChannelSendError,
  postJson,
  retryable,
  type SendResult,
  type TemplateMessage,
  type WhatsAppConfig,
} from "./channel.js";

const TIMEOUT_MS = 10_000;

interface GraphError {
  error?: { message?: string; code?: number; error_subcode?: number; error_data?: { details?: string } };
}

/** WhatsApp Business Cloud API: `POST {graph}/{version}/{phone number id}/messages` with a Bearer token. */
export class WhatsAppCloudChannel implements Channel {
  readonly kind = "whatsapp" as const;
  private readonly url: string;

  constructor(
    private readonly config: Pick<
      WhatsAppConfig,
      "graphUrl" | "apiVersion" | "phoneNumberId" | "accessToken"
    >,
  ) {
    this.url = `${config.graphUrl}/${config.apiVersion}/${config.phoneNumberId}/messages`;
  }

  sendText(to: string, text: string, opts: { signal?: AbortSignal } = {}): Promise<SendResult> {
    return this.send(
      {
        messaging_product: "whatsapp",
        recipient_type: "individual",
        to,
        type: "text",
        text: { body: text },
      },
      opts.signal,
    );
  }

  sendTemplate(to: string, t: TemplateMessage, opts: { signal?: AbortSignal } = {}): Promise<SendResult> {
    return this.send(
      {
        messaging_product: "whatsapp",
        to,
        type: "template",
        template: {
          name: t.name,
          language: { code: t.language },
          components:
            t.params.length > 0
              ? [{ type: "body", parameters: t.params.map((text) => ({ type: "text", text })) }]
              : [],
        },
      },
      opts.signal,
    );
  }

  private async send(body: unknown, signal?: AbortSignal): Promise<SendResult> {
    const { status, json } = await postJson(
      this.url,
      body,
      { authorization: `Bearer ${this.config.accessToken}` },
      TIMEOUT_MS,
      signal,
    );
    if (status >= 200 && status < 300) {
      const id = (json as { messages?: { id?: unknown }[] } | null)?.messages?.[0]?.id;
      if (typeof id !== "string")
        throw new ChannelSendError("Graph API answered without a message id", false);
      return { providerId: id };
    }
    const err = (json as GraphError | null)?.error;
    const code = err?.code === undefined ? undefined : String(err.code);
    const detail = err?.error_data?.details ?? err?.message ?? "no error body";
    // Meta's code 4/80007/130429 are rate limits; 131000/2 unknown or temporary errors.
    const temporary = retryable(status) || ["4", "80007", "130429", "131000", "2"].includes(code ?? "");
    throw new ChannelSendError(
      `Graph API ${status}${code ? ` (code ${code})` : ""}: ${detail}`,
      !temporary,
      code,
    );
  }
}
