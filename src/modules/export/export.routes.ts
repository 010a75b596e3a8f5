import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { actorOf } from "../../platform/http/actor.js";
import { AUTHED, problems } from "../../platform/http/responses.js";
import { readJsonRowsAsTheyArrive } from "../../platform/http/row-stream.js";
import { profileOf } from "../auth/auth.hook.js";
import type { ExportDocumentValue, ExportService } from "./export.service.js";
import { exportDocumentSchema } from "./export.tables.js";

/** GET /api/export (streamed) and POST /api/import (restore into an empty account). */
export const exportRoutes: FastifyPluginAsyncTypebox<{ exporter: ExportService; maxBytes: number }> = async (
  app,
  { exporter, maxBytes },
) => {
  // The document is made of every module's exported tables, known once the app is assembled, so it is
  // built here, inline, rather than registered as a shared schema.
  const tables = exporter.tables();
  const { $id: _id, ...Document } = exportDocumentSchema(tables);
  const Restored = Type.Object({
    counts: Type.Object(Object.fromEntries(tables.map((t) => [t.key, Type.Integer()])), {
      description: "Rows restored per part of the document",
    }),
    idsKept: Type.Boolean({
      description: "False when some id was taken on this server and every id was replaced (links kept)",
    }),
  });

  app.get(
    "/api/export",
    {
      schema: {
        tags: ["export"],
        summary: "Everything you own, as one JSON document",
        description:
          "A versioned `readlog-export` document (books, read-throughs, shelf moves, progress entries, " +
          "goals, import ids, notes, saved links, reviews, the clubs you own with your messages there, your " +
          "profile without secrets), streamed as it is read. `POST /api/import` " +
          "restores it into an empty account.",
        response: { 200: Document, ...problems(...AUTHED) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const user = profileOf(request);
      const day = new Date().toISOString().slice(0, 10);
      return reply
        .type("application/json; charset=utf-8")
        .header("content-disposition", `attachment; filename="readlog-export-${day}.json"`)
        .send(exporter.exportStream(actor, user) as never);
    },
  );

  // The restore's document is read row by row as it arrives, each row validated at once (row-stream.ts).
  const validatorCompiler = readJsonRowsAsTheyArrive(app, Document);

  app.post(
    "/api/import",
    {
      bodyLimit: maxBytes,
      validatorCompiler,
      schema: {
        tags: ["export"],
        summary: "Restore a Readlog export into this (empty) account",
        description:
          "Losslessly, in one transaction. 409 when the account already has books or other data; 400 for " +
          "another export version, or when any row breaks a rule the API itself applies where it creates " +
          "such a row (field limits, real days and instants, http(s) URLs, links between rows, one current " +
          "read-through per book, corrections of earlier entries only…): the problem names each row and " +
          "field (the first 20, and how many more), and nothing is written. Ids are kept when free on this " +
          "server, else replaced with every link rewritten. Your name and time zone are taken from it.",
        body: Document,
        response: { 201: Restored, ...problems(...AUTHED, 409, 413) },
      },
    },
    async (request, reply) => {
      const result = await exporter.restore(actorOf(request), request.body as ExportDocumentValue);
      return reply.code(201).send(result);
    },
  );
};
