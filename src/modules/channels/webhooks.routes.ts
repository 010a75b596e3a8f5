import type { FastifyPluginAsync } from "fastify";
import type { TelegramConfig, WhatsAppConfig } from "../../platform/channels/channel.js";
import { badRequest, forbidden, notFound, unauthorized } from "../../platform/errors.js";
import { safeEqual } from "../../platform/secrets.js";
import { InboundService, validMetaSignature } from "./inbound.service.js";

const hidden = { hide: true, tags: ["webhooks"] };

/** What Meta sends as hub.challenge (digits today): a token, never markup. */
const CHALLENGE = /^[\w.~-]{1,256}$/;

const notJson = () => badRequest("The body is not JSON");

/**
 * Provider webhooks (public; each proves itself: Meta by HMAC over the raw body, Telegram by its secret
 * header). A channel that is not configured answers 404. JSON bodies are kept as raw bytes in this plugin
 * only, because Meta's signature covers the bytes as sent.
 */
export const webhooksRoutes: FastifyPluginAsync<{
  inbound: InboundService;
  whatsapp: WhatsAppConfig | null;
  telegram: TelegramConfig | null;
}> = async (app, { inbound, whatsapp, telegram }) => {
  // Signatures are over the exact bytes: these routes read JSON bodies as buffers, not the app's parser.
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (_req, body, done) => done(null, body));

  app.get(
    "/webhooks/whatsapp",
    { config: { auth: "public" }, schema: { ...hidden, summary: "Meta's webhook verification handshake" } },
    async (request, reply) => {
      if (!whatsapp) throw notFound("Route");
      const q = request.query as Record<string, string | undefined>;
      const ok =
        q["hub.mode"] === "subscribe" &&
        typeof q["hub.verify_token"] === "string" &&
        safeEqual(q["hub.verify_token"], whatsapp.verifyToken);
      if (!ok) throw forbidden("Webhook verification failed: wrong hub.mode or hub.verify_token");
      // Echoed as text, so only a plain token: anything else could make this a reflection point.
      const challenge = q["hub.challenge"];
      if (typeof challenge !== "string" || !CHALLENGE.test(challenge))
        throw badRequest("hub.challenge must be a plain token (letters, digits, - _ . ~; at most 256)");
      return reply.code(200).type("text/plain").send(challenge);
    },
  );

  app.post(
    "/webhooks/whatsapp",
    { config: { auth: "public" }, schema: { ...hidden, summary: "WhatsApp Cloud API deliveries" } },
    async (request, reply) => {
      if (!whatsapp) throw notFound("Route");
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const signature = request.headers["x-hub-signature-256"];
      if (
        !validMetaSignature(whatsapp.appSecret, raw, typeof signature === "string" ? signature : undefined)
      ) {
        request.log.warn(
          { hasSignature: signature !== undefined },
          "whatsapp webhook: bad or missing signature",
        );
        throw unauthorized("Bad or missing X-Hub-Signature-256");
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        throw notJson();
      }
      const received = await inbound.whatsapp(body);
      return reply.code(200).send({ received });
    },
  );

  app.post(
    "/webhooks/telegram",
    { config: { auth: "public" }, schema: { ...hidden, summary: "Telegram Bot API updates" } },
    async (request, reply) => {
      if (!telegram) throw notFound("Route");
      const secret = request.headers["x-telegram-bot-api-secret-token"];
      if (
        !InboundService.validTelegramSecret(
          telegram.webhookSecret,
          typeof secret === "string" ? secret : undefined,
        )
      ) {
        request.log.warn(
          { hasSecret: secret !== undefined },
          "telegram webhook: bad or missing secret token",
        );
        throw unauthorized("Bad or missing X-Telegram-Bot-Api-Secret-Token");
      }
      let update: unknown;
      try {
        update = JSON.parse((request.body as Buffer).toString("utf8"));
      } catch {
        throw notJson();
      }
      const received = await inbound.telegram(update);
      return reply.code(200).send({ received });
    },
  );
};
