import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifySchemaCompiler } from "fastify";
import { actorOf } from "../../platform/http/actor.js";
import { AUTHED, problems } from "../../platform/http/responses.js";
import { uploadedFile } from "../../platform/http/uploaded-file.js";
import { validatorCompiler } from "../../platform/http/validation.js";
import { LINK_IMPORT_FORMATS, type LinkImports } from "./link-imports.service.js";

// The body is a stream handed to the parser, not a value to validate; the query string still is.
const streamBody: FastifySchemaCompiler<unknown> = (req) =>
  req.httpPart === "body" ? () => true : validatorCompiler(req);

const Str = (max: number) => Type.String({ maxLength: max });
const Report = Type.Object({
  format: Type.Union(LINK_IMPORT_FORMATS.map((f) => Type.Literal(f))),
  dryRun: Type.Boolean(),
  rows: Type.Integer({ description: "Rows or entries read, usable or not" }),
  saved: Type.Integer({ description: "New links (a dry run: that would be new)" }),
  existing: Type.Integer({
    description: "Links saved already (the same article): left as they are, tags added",
  }),
  rowsWithProblems: Type.Integer({ description: "Rows refused (each has at least one problem)" }),
  problemCount: Type.Integer(),
  problems: Type.Array(
    Type.Object({
      line: Type.Integer({ description: "1-based line of the file (CSV, HTML) or entry number (Omnivore)" }),
      field: Str(100),
      rule: Str(100),
      message: Str(1000),
    }),
    { maxItems: 1000, description: "The first 1000" },
  ),
  results: Type.Array(
    Type.Object({
      line: Type.Integer(),
      url: Str(8192),
      action: Type.Union([Type.Literal("saved"), Type.Literal("existing")]),
      linkId: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
    }),
    { maxItems: 1000, description: "One per usable row, in file order; the first 1000" },
  ),
});

/** The media types each format's file is sent as (any other is read as well: the parser knows the file). */
const TYPES = {
  pocket: ["text/csv", "application/csv"],
  instapaper: ["text/csv", "application/csv"],
  omnivore: ["application/zip", "application/json"],
  bookmarks: ["text/html"],
} as const;

/** The raw file, read as a stream against IMPORT_MAX_BYTES (never validated as a value). */
const FileBody = (format: keyof typeof LABEL) =>
  Type.Unsafe<unknown>({
    type: "string",
    format: "binary",
    description: `The ${LABEL[format]} as the raw request body`,
  });

const LABEL = {
  pocket: "Pocket export CSV",
  instapaper: "Instapaper export CSV",
  omnivore: "Omnivore export (the zip, or one metadata JSON file)",
  bookmarks: "browser bookmarks file (Netscape HTML)",
} as const;

/** POST /api/links/imports/{format}: the file as the raw body; encapsulated, so its parsers apply here only. */
export const linkImportsRoutes: FastifyPluginAsyncTypebox<{
  imports: LinkImports;
  maxBytes: number;
}> = async (app, { imports, maxBytes }) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_request, payload, done) => done(null, payload));

  for (const format of LINK_IMPORT_FORMATS)
    app.post(
      `/api/links/imports/${format}`,
      {
        validatorCompiler: streamBody,
        schema: {
          tags: ["links"],
          summary: `Import saved links from a ${LABEL[format]}`,
          description:
            "Send the file as the raw request body. Each usable row is saved like `POST /api/links` (the " +
            "same article again is the existing entry, so importing a file twice changes nothing) and its " +
            "fetch is queued at a bounded rate: follow the progress with `GET /api/links/status`. Rows that " +
            "cannot be used are reported with their line; `dryRun=true` writes nothing. A file larger than " +
            "IMPORT_MAX_BYTES is refused (413) and nothing is written.",
          consumes: [...TYPES[format]],
          body: FileBody(format),
          querystring: Type.Object(
            { dryRun: Type.Boolean({ default: false }) },
            { additionalProperties: false },
          ),
          response: { 200: Report, ...problems(...AUTHED, 413, 415) },
        },
      },
      async (request) => {
        const body = uploadedFile(request, { maxBytes, hint: "Send the file as the raw body" });
        return imports.run(actorOf(request), format, body, { dryRun: request.query.dryRun, maxBytes });
      },
    );
};
