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
const NOTE_IMPORT_SOURCES = ["kindle", "readwise"] as const;
const NOTE_IMPORT_KINDS = ["highlight", "note", "bookmark", "clip", "book"] as const;
type NoteImportKind = (typeof NOTE_IMPORT_KINDS)[number];
/** The exported tables an import key's object may be a row of, by the key's kind. */
const OBJECT_TABLES: Record<NoteImportKind, readonly string[]> = {
  highlight: ["highlights"],
  clip: ["highlights"],
  // A Kindle note attached to a highlight names that highlight; a note of its own names a note.
  note: ["highlights", "notes"],
  bookmark: [],
  book: ["books"],
};
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
  {
    // Which entries of Kindle and Readwise files were imported, so that importing the same file after a
    // restore writes nothing again (ADR 0303). `objectId` names the highlight, note or book the entry
    // became, or a highlight deleted since (the entry stays deleted), or nothing (a bookmark).
    key: "noteImportKeys",
    table: "note_import_keys",
    orderBy: ["source", "key"],
    row: row({
      source: Type.Union(NOTE_IMPORT_SOURCES.map((s) => Type.Literal(s))),
      key: Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_:-]+$" }),
      kind: Type.Union(NOTE_IMPORT_KINDS.map((k) => Type.Literal(k))),
      objectId: orNull(Id),
      createdAt: At,
    }),
    refs: {},
    looseRefs: { objectId: (r) => OBJECT_TABLES[r.kind as NoteImportKind] },
    optional: true, // not in exports written before import keys were
  },
];

/**
 * What a restore rebuilds from the restored notes and highlights: each note's title key and wikilinks, and
 * the owner's part of the search index (its books too).
 */
export function notesDerived(rebuild: (ownerId: string) => Promise<void>): DerivedTable[] {
  return [{ table: "note_links", rebuild: (_db, ownerId) => rebuild(ownerId) }];
}
