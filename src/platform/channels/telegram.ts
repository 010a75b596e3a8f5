import {
  type Channel,
  ChannelSendError,
  postJson,
  retryable,
  type SendResult,
  type TelegramConfig,
  type TemplateMessage,
} from "./channel.js";

const TIMEOUT_MS = 10_000;

/** Telegram Bot API: `POST {api}/bot<token>/sendMessage`. Telegram has no templates or reply window. */
export class TelegramChannel implements Channel {
  readonly kind = "telegram" as const;

  constructor(private readonly config: Pick<TelegramConfig, "apiUrl" | "botToken">) {}

  async sendText(to: string, text: string, opts: { signal?: AbortSignal } = {}): Promise<SendResult> {
    const { status, json } = await postJson(
      `${this.config.apiUrl}/bot${this.config.botToken}/sendMessage`,
      { chat_id: to, text },
      {},
      TIMEOUT_MS,
      opts.signal,
    );
    const body = json as {
      ok?: boolean;
      result?: { message_id?: number };
      error_code?: number;
      description?: string;
    } | null;
    if (status >= 200 && status < 300 && body?.ok && typeof body.result?.message_id === "number")
      return { providerId: `${to}:${body.result.message_id}` };
    const code = body?.error_code === undefined ? String(status) : String(body.error_code);
    throw new ChannelSendError(
      `Telegram ${status}: ${body?.description ?? "no description"}`,
      !retryable(status) && status !== 0,
      code,
    );
  }

  sendTemplate(to: string, t: TemplateMessage, opts: { signal?: AbortSignal } = {}): Promise<SendResult> {
    return this.sendText(to, t.params.join("\n"), opts);
  }
}
