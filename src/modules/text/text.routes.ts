import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { actorOf } from "../../platform/http/actor.js";
import { AUTHED, problems } from "../../platform/http/responses.js";
import type { TextService } from "./text.service.js";

/** Longest `text` accepted; the parser itself answers politely past 2,000 characters. */
export const MAX_TEXT_BODY = 5000;

const TextBody = Type.Object(
  {
    text: Type.String({ maxLength: MAX_TEXT_BODY, description: "One message, e.g. `dune 142`" }),
    channel: Type.Optional(
      Type.Union([Type.Literal("api"), Type.Literal("cli"), Type.Literal("web")], {
        description:
          "Who is typing: the conversation (pending choices, `undo`) and the source of what is recorded. Default api.",
      }),
    ),
  },
  { additionalProperties: false },
);

const TextAnswer = Type.Object({
  reply: Type.String({ description: "Exactly the reply a chat would get" }),
  bookId: Type.Optional(Type.String({ description: "The book the reply is about" })),
});

/** POST /api/text: the text command language over HTTP. */
export const textRoutes: FastifyPluginAsyncTypebox<{ text: TextService }> = async (app, { text }) => {
  app.post(
    "/api/text",
    {
      schema: {
        tags: ["text"],
        summary: "Send a text command (`dune 142`, `+20 dune`, `finished dune`, `today`, `undo`, `help`…)",
        description:
          "Answers 200 with the reply a chat would get, also for messages it does not understand. " +
          "Ambiguous titles answer numbered choices; the next message `2` picks one.",
        body: TextBody,
        response: { 200: TextAnswer, ...problems(...AUTHED) },
      },
    },
    async (request) => {
      const channel = request.body.channel ?? "api";
      const actor = actorOf(request);
      const r = await text.handle(
        { userId: actor.userId, actor, channel, conversationKey: channel },
        request.body.text,
      );
      return r.bookId ? { reply: r.text, bookId: r.bookId } : { reply: r.text };
    },
  );
};
