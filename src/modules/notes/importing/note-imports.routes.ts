import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifySchemaCompiler } from "fastify";
import { actorOf } from "../../../platform/http/actor.js";
import { AUTHED, problems } from "../../../platform/http/responses.js";
import { uploadedFile } from "../../../platform/http/uploaded-file.js";
import { validatorCompiler } from "../../../platform/http/validation.js";
import { ImportQuery } from "../../imports/imports.schemas.js";
import type { NoteImportService } from "./note-import.service.js";

// The body is a stream handed to the service, not a value to validate; the query string still is.
const streamBody: FastifySchemaCompiler<unknown> = (req) =>
  req.httpPart === "body" ? () => true : validatorCompiler(req);

const Action = Type.Union(
  ["created", "updated", "unchanged", "duplicate", "skipped"].map((a) => Type.Literal(a)),
);

export const NoteImportReport = Type.Object(
  {
    format: Type.Union([Type.Literal("kindle"), Type.Literal("readwise")]),
    dryRun: Type.Boolean(),
    rows: Type.Integer({ description: "Entries read, usable or not" }),
    created: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer({ description: "Entries an earlier import wrote already" }),
    duplicates: Type.Integer({ description: "Entries repeated within the file" }),
    skipped: Type.Integer({ description: "Entries read but not kept (bookmarks, empty or deleted since)" }),
    rowsWithProblems: Type.Integer({ description: "Entries refused (each has an error)" }),
    problemCount: Type.Integer(),
    problems: Type.Array(
      Type.Object({
        line: Type.Integer(),
        severity: Type.Union([Type.Literal("error"), Type.Literal("warning")]),
        message: Type.String(),
      }),
      { description: "The first 1000: errors (the entry was skipped) and warnings" },
    ),
    books: Type.Object({ matched: Type.Integer(), created: Type.Integer() }),
    results: Type.Array(
      Type.Object({
        line: Type.Integer(),
        kind: Type.Union(["highlight", "note", "bookmark", "clip"].map((k) => Type.Literal(k))),
        action: Action,
        id: Type.Union([Type.String(), Type.Null()]),
        bookId: Type.Union([Type.String(), Type.Null()]),
        book: Type.String(),
        detail: Type.Optional(Type.String()),
      }),
      { description: "One per entry (the first 1000)" },
    ),
    resultsOmitted: Type.Integer(),
  },
  { $id: "NoteImportReport" },
);

const FileBody = Type.Unsafe<unknown>({
  type: "string",
  format: "binary",
  description: "The file as the raw body",
});

const FORMATS = {
  kindle: {
    types: ["text/plain", "application/octet-stream"],
    summary: "Import a Kindle My Clippings.txt",
    description:
      "Send the file as the raw body (`Content-Type: text/plain`). Old and new firmware, headers in English, " +
      "Spanish, French, German, Italian, Portuguese, Dutch, Japanese, Chinese and more. Notes attach to the " +
      "highlight they were typed on; a highlight re-made larger or smaller on the device is kept once, its " +
      "earlier text in its history; bookmarks are reported, not kept. Importing the file again (or the same " +
      "file grown) adds only what is new. Books are matched to your library by title and first author, else " +
      "created on the finished shelf; books the file spells differently stay different books.",
  },
  readwise: {
    types: ["text/csv", "application/csv"],
    summary: "Import a Readwise CSV export",
    description:
      "Send the CSV as the raw body (`Content-Type: text/csv`). Highlights with their note, colour, tags and " +
      "location; books matched by ASIN (when it is an ISBN), then title and author, else created. A re-export " +
      "imported again updates changed notes, colours and tags and adds nothing twice.",
  },
} as const;

/** POST /api/imports/kindle and /readwise: streamed bodies, a report per entry, a dry run. */
export const noteImportsRoutes: FastifyPluginAsyncTypebox<{
  imports: NoteImportService;
  maxBytes: number;
}> = async (app, { imports, maxBytes }) => {
  app.removeContentTypeParser(["text/plain"]);
  app.addContentTypeParser(
    ["text/plain", "application/octet-stream", "text/csv", "application/csv"],
    (_request, payload, done) => done(null, payload),
  );
  for (const format of ["kindle", "readwise"] as const) {
    const f = FORMATS[format];
    app.post(
      `/api/imports/${format}`,
      {
        validatorCompiler: streamBody,
        schema: {
          tags: ["imports"],
          summary: f.summary,
          description: `${f.description} A file larger than IMPORT_MAX_BYTES is refused (413) and nothing is written.`,
          consumes: [...f.types],
          querystring: ImportQuery,
          body: FileBody,
          response: { 200: NoteImportReport, ...problems(...AUTHED, 413, 415) },
        },
      },
      async (request) => {
        const body = uploadedFile(request, {
          maxBytes,
          types: f.types,
          hint: `Send the file as the raw request body with Content-Type: ${f.types[0]}`,
        });
        const opts = { dryRun: request.query.dryRun, maxBytes };
        const actor = actorOf(request);
        return format === "kindle"
          ? imports.importKindle(actor, body, opts)
          : imports.importReadwise(actor, body, opts);
      },
    );
  }
};
