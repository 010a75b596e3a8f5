import { Type } from "@sinclair/typebox";
import { Instant as At, Id } from "../../platform/http/responses.js";
import {
  type DerivedTable,
  type ExportedTable,
  orNull,
  exportRow as row,
} from "../../platform/portability/exported-table.js";
import { HighlightLocation } from "./anchoring/highlight-location.js";
import {
  Color,
  HighlightNote,
  HighlightText,
  Language,
  NoteBody,
  NoteSourceSchema,
  NoteTitle,
  Tags,
  Target,
} from "./notes.schemas.js";

const TargetType = Target.properties.type;
const Version = Type.Integer({ minimum: 1 });
const History = Type.Array(
  Type.Object(
    { text: HighlightText, location: HighlightLocation, at: orNull(Type.String({ maxLength: 40 })) },
    { additionalProperties: false },
  ),
  { maxItems: 1000 },
);

/** Notes, their revisions and highlights, as the full export writes them (tags inside each row). */
export const NOTES_EXPORT: readonly ExportedTable[] = [
  {
    key: "notes",
    table: "notes",
    orderBy: ["id"],
    row: row({
      id: Id,
      bookId: orNull(Id),
      targetType: orNull(TargetType),
      targetId: orNull(Id),
      location: orNull(HighlightLocation),
      title: orNull(NoteTitle),
      body: NoteBody,
      tags: Tags,
      language: orNull(Language),
      source: NoteSourceSchema,
      version: Version,
      createdAt: At,
      updatedAt: At,
    }),
    refs: { bookId: "books" },
    json: ["location", "tags"],
  },
  {
    key: "noteRevisions",
    table: "note_revisions",
    orderBy: ["id"],
    row: row({
      id: Id,
      noteId: Id,
      version: Version,
      title: orNull(NoteTitle),
      body: NoteBody,
      tags: Tags,
      savedBy: orNull(Id),
      createdAt: At,
    }),
    refs: { noteId: "notes" },
    json: ["tags"],
  },
  {
    key: "highlights",
    table: "highlights",
    orderBy: ["id"],
    row: row({
      id: Id,
      bookId: orNull(Id),
      targetType: orNull(TargetType),
      targetId: orNull(Id),
      text: HighlightText,
      note: orNull(HighlightNote),
      color: orNull(Color),
      tags: Tags,
      location: HighlightLocation,
      language: orNull(Language),
      source: NoteSourceSchema,
      history: History,
      highlightedAt: orNull(At),
      createdAt: At,
      updatedAt: At,
    }),
    refs: { bookId: "books" },
    json: ["tags", "location", "history"],
  },
];

/**
 * What a restore rebuilds from the restored notes and highlights: each note's title key and wikilinks, and
 * the owner's part of the search index (its books too).
 */
export function notesDerived(rebuild: (ownerId: string) => Promise<void>): DerivedTable[] {
  return [{ table: "note_links", rebuild: (_db, ownerId) => rebuild(ownerId) }];
}
