import { Type } from "@sinclair/typebox";
import { Instant as At, Id } from "../../platform/http/responses.js";
import { type ExportedTable, exportRow as row } from "../../platform/portability/exported-table.js";
import { EXTERNAL_ID_MAX, IMPORT_FORMATS } from "./import-record.js";

const ExternalId = Type.String({ minLength: 1, maxLength: EXTERNAL_ID_MAX });

/** The outside ids of imported books, as the full export writes them. */
export const IMPORTS_EXPORT: readonly ExportedTable[] = [
  {
    key: "importKeys",
    table: "import_keys",
    orderBy: ["source", "external_id"],
    row: row({
      source: Type.Union(IMPORT_FORMATS.map((f) => Type.Literal(f))),
      externalId: ExternalId,
      bookId: Id,
      createdAt: At,
    }),
    refs: { bookId: "books" },
  },
];
