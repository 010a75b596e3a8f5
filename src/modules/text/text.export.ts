import { Type } from "@sinclair/typebox";
import { Instant as At, Id } from "../../platform/http/responses.js";
import { type ExportedTable, orNull, exportRow as row } from "../../platform/portability/exported-table.js";
import { LINK_SOURCES } from "./text.tables.js";
import { MAX_INPUT_CHARS } from "./text-language.js";

const Text = (max: number) => Type.String({ maxLength: max });

/*
 * Not exported: conversations and text_undo are short-lived chat state.
 */

/** Links saved from text messages, as the full export writes them. */
export const LINKS_EXPORT: readonly ExportedTable[] = [
  {
    key: "links",
    table: "links",
    orderBy: ["id"],
    row: row({
      id: Id,
      // Links are saved from text messages (at most MAX_INPUT_CHARS); restore-checks.ts applies isHttpUrl.
      url: Type.String({ minLength: 1, maxLength: MAX_INPUT_CHARS }),
      status: Type.Literal("saved"),
      comment: orNull(Text(MAX_INPUT_CHARS)),
      source: LINK_SOURCES.schema({ description: "Where the link was saved from" }),
      createdAt: At,
    }),
    refs: {},
  },
];
