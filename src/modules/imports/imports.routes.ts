import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifySchemaCompiler } from "fastify";
import { actorOf } from "../../platform/http/actor.js";
import { AUTHED, problems } from "../../platform/http/responses.js";
import { uploadedFile } from "../../platform/http/uploaded-file.js";
import { validatorCompiler } from "../../platform/http/validation.js";
import type { ImportService } from "./import.service.js";
import type { ImportFormat } from "./import-record.js";
import { CsvBody, ImportQuery, ImportReport } from "./imports.schemas.js";

// The body is a stream handed to the service, not a value to validate; the query string still is.
const streamBody: FastifySchemaCompiler<unknown> = (req) =>
  req.httpPart === "body" ? () => true : validatorCompiler(req);

const LABEL: Record<ImportFormat, string> = { goodreads: "Goodreads", storygraph: "StoryGraph" };

/**
 * POST /api/imports/goodreads and /storygraph. Encapsulated, so the raw-stream `text/csv` parser applies
 * to these routes only; the size cap is counted while reading (a Content-Length over it is refused at once).
 */
export const importsRoutes: FastifyPluginAsyncTypebox<{ imports: ImportService; maxBytes: number }> = async (
  app,
  { imports, maxBytes },
) => {
  app.addContentTypeParser(["text/csv", "application/csv"], (_request, payload, done) => done(null, payload));

  for (const format of ["goodreads", "storygraph"] as const) {
    app.post(
      `/api/imports/${format}`,
      {
        validatorCompiler: streamBody,
        schema: {
          tags: ["imports"],
          summary: `Import a ${LABEL[format]} library export`,
          description:
            `Send the CSV as the raw body with \`Content-Type: text/csv\` (multipart is not accepted). Books ` +
            "are matched by the export's own id, else by ISBN-13, else by title and first author (only a book " +
            "with no id from this export yet): rows with different ids are different books, even with the " +
            "same title. Importing the same file again changes nothing. Rows that cannot be used are listed with their line and the rest " +
            "is imported, in one transaction. A file that is not this export, not UTF-8, or larger than " +
            "IMPORT_MAX_BYTES is refused whole (400 / 413) and nothing is written.",
          consumes: ["text/csv"],
          querystring: ImportQuery,
          body: CsvBody,
          response: { 200: ImportReport, ...problems(...AUTHED, 413, 415) },
        },
      },
      async (request) => {
        const body = uploadedFile(request, {
          maxBytes,
          hint: "Send the CSV file as the raw request body with Content-Type: text/csv",
        });
        return imports.importCsv(actorOf(request), body, format, {
          dryRun: request.query.dryRun,
          maxBytes,
        });
      },
    );
  }
};
