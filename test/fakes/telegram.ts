import type { IncomingMessage, ServerResponse } from "node:http";
import { json, LoopbackFake } from "./http-fake.js";
import type { Poster } from "./whatsapp.js";

export const TG = {
  botToken: "123456789:AAFakeBotToken_abcdefghijklmnopqrstu",
  webhookSecret: "fake_webhook_secret_0123456789",
};

export interface TgSend {
  chatId: string;
  text: string;
  messageId: number;
}

/** A loopback Telegram Bot API: `POST /bot<token>/sendMessage`, answered like Telegram. */
export class FakeTelegramApi extends LoopbackFake {
  readonly sends: TgSend[] = [];
  private nextId = 1000;

  protected route(req: IncomingMessage, path: string, body: unknown, res: ServerResponse): boolean {
    const m = /^\/bot([^/]+)\/sendMessage$/.exec(path);
    if (req.method !== "POST" || !m) return false;
    if (m[1] !== TG.botToken)
      return json(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    const b = body as { chat_id?: string | number; text?: string };
    if (b.chat_id === undefined || !b.text)
      return json(res, 400, {
        ok: false,
        error_code: 400,
        description: "Bad Request: message text is empty",
      });
    const messageId = ++this.nextId;
    this.sends.push({ chatId: String(b.chat_id), text: b.text, messageId });
    return json(res, 200, {
      ok: true,
      result: {
        message_id: messageId,
        from: { id: 123456789, is_bot: true, first_name: "Readlog", username: "readlog_bot" },
        chat: { id: Number(b.chat_id), type: "private" },
        date: Math.floor(Date.now() / 1000),
        text: b.text,
      },
    });
  }
}

/** Builds Telegram updates and posts them with the secret token header. */
export class TelegramWebhookSender {
  private updateId = 500_000;
  private messageId = 1;
  constructor(
    private readonly post: Poster,
    private readonly now: () => Date = () => new Date(),
  ) {}

  update(
    chatId: number,
    text: string | null,
    o: { replyTo?: number; updateId?: number; date?: number } = {},
  ) {
    const update_id = o.updateId ?? ++this.updateId;
    return {
      update_id,
      message: {
        message_id: ++this.messageId,
        from: { id: chatId, is_bot: false, first_name: "Ada", username: "ada" },
        chat: { id: chatId, first_name: "Ada", type: "private" },
        date: o.date ?? Math.floor(this.now().getTime() / 1000),
        ...(text === null ? { photo: [{ file_id: "AgAD", width: 90, height: 90 }] } : { text }),
        ...(o.replyTo
          ? { reply_to_message: { message_id: o.replyTo, chat: { id: chatId, type: "private" } } }
          : {}),
      },
    };
  }

  send(update: unknown, secret: string | null = TG.webhookSecret) {
    return this.post("/webhooks/telegram", JSON.stringify(update), {
      "content-type": "application/json",
      ...(secret === null ? {} : { "x-telegram-bot-api-secret-token": secret }),
    });
  }
}
