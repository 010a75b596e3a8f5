import { type Static, Type } from "@sinclair/typebox";
import { PageQuery } from "../../platform/http/pagination.js";
import { Id, Instant } from "../../platform/http/responses.js";
import { HighlightLocation } from "./anchoring/highlight-location.js";
import { NOTE_SOURCES } from "./notes.tables.js";

/** Longest note body in characters (a JSON body is also capped by BODY_LIMIT bytes). */
export const NOTE_BODY_MAX = 1_000_000;
/** Longest quoted text of a highlight. */
export const HIGHLIGHT_TEXT_MAX = 100_000;
export const HIGHLIGHT_NOTE_MAX = 100_000;
export const TAGS_MAX = 50;
export const TAG_MAX = 64;

export const NoteTitle = Type.String({ minLength: 1, maxLength: 500 });
export const NoteBody = Type.String({ maxLength: NOTE_BODY_MAX, description: "Markdown" });
export const Tag = Type.String({
  minLength: 1,
  maxLength: TAG_MAX,
  pattern: '^[^\\s,#"][^,"]*$',
  description: "A tag: no commas or double quotes, not starting with a space or #",
});
export const Tags = Type.Array(Tag, {
  maxItems: TAGS_MAX,
  description: "Tags (duplicates differing only in case are kept once)",
});
export const Color = Type.String({
  minLength: 1,
  maxLength: 32,
  pattern: "^[A-Za-z][A-Za-z0-9 _-]*$",
  description: "A colour name as the reader or source gave it (yellow, blue, pink, orange, …)",
});
export const Language = Type.String({
  minLength: 2,
  maxLength: 35,
  pattern: "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$",
  description: "BCP 47 tag of the text (selects the search stemmer)",
});
export const HighlightText = Type.String({ minLength: 1, maxLength: HIGHLIGHT_TEXT_MAX });
export const HighlightNote = Type.String({ maxLength: HIGHLIGHT_NOTE_MAX });
export const NoteSourceSchema = NOTE_SOURCES.schema();

export const Target = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 32, pattern: "^[a-z][a-z-]*$" }),
    id: Id,
  },
  { additionalProperties: false, description: "Another object the note is on (e.g. a saved article)" },
);

const orNull = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const CreateNoteBody = Type.Object(
  {
    title: Type.Optional(orNull(NoteTitle)),
    body: NoteBody,
    bookId: Type.Optional(orNull(Id)),
    target: Type.Optional(orNull(Target)),
    location: Type.Optional(orNull(HighlightLocation)),
    tags: Type.Optional(Tags),
    language: Type.Optional(orNull(Language)),
  },
  { additionalProperties: false },
);
export type CreateNoteBody = Static<typeof CreateNoteBody>;

export const UpdateNoteBody = Type.Object(
  {
    title: Type.Optional(orNull(NoteTitle)),
    body: Type.Optional(NoteBody),
    bookId: Type.Optional(orNull(Id)),
    location: Type.Optional(orNull(HighlightLocation)),
    tags: Type.Optional(Tags),
    language: Type.Optional(orNull(Language)),
    ifVersion: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          "The version the change was made from: a body is merged with what changed since (409 where the same text did)",
      }),
    ),
  },
  { additionalProperties: false },
);
export type UpdateNoteBody = Static<typeof UpdateNoteBody>;

export const RestoreRevisionBody = Type.Object(
  { version: Type.Integer({ minimum: 1, description: "The revision to bring back (saved as a new one)" }) },
  { additionalProperties: false },
);

const ListFilters = {
  bookId: Type.Optional(Id),
  tag: Type.Optional(Tag),
  source: Type.Optional(NoteSourceSchema),
};

export const NotesQuery = Type.Object(
  {
    ...PageQuery.properties,
    ...ListFilters,
    shared: Type.Optional(
      Type.Literal("with-me", {
        description:
          "`with-me`: notes other people shared with you (or a club of yours), instead of your own",
      }),
    ),
  },
  { additionalProperties: false },
);
export const HighlightsQuery = Type.Object(
  {
    ...PageQuery.properties,
    ...ListFilters,
    color: Type.Optional(Color),
    targetType: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 32,
        pattern: "^[a-z][a-z-]*$",
        description: "On this kind of object (with targetId), e.g. `link`",
      }),
    ),
    targetId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "With targetType" })),
  },
  { additionalProperties: false },
);

export const Note = Type.Object({
  id: Type.String(),
  ownerId: Type.String(),
  bookId: orNull(Type.String()),
  target: orNull(Target),
  location: orNull(HighlightLocation),
  locationLabel: orNull(Type.String()),
  title: orNull(Type.String()),
  body: Type.String({ description: "Markdown" }),
  tags: Type.Array(Type.String()),
  language: orNull(Type.String()),
  source: NoteSourceSchema,
  version: Type.Integer(),
  createdAt: Instant,
  updatedAt: Instant,
});

const LinkTarget = Type.Object({
  target: Type.String({ description: "The link target as written" }),
  alias: orNull(Type.String()),
  resolved: orNull(
    Type.Object({
      kind: Type.Union([Type.Literal("book"), Type.Literal("note")]),
      id: Type.String(),
      title: Type.String(),
    }),
  ),
});

export const NoteDetail = Type.Object({
  ...Note.properties,
  html: Type.String({ description: "The body rendered to sanitised HTML (wikilinks as links)" }),
  links: Type.Array(LinkTarget, { description: "Its wikilinks; `resolved: null` for a missing target" }),
  backlinks: Type.Array(Type.Object({ noteId: Type.String(), title: orNull(Type.String()) }), {
    description: "Notes linking here",
  }),
});

export const Revision = Type.Object({
  version: Type.Integer(),
  title: orNull(Type.String()),
  body: Type.String(),
  tags: Type.Array(Type.String()),
  savedBy: orNull(Type.String()),
  createdAt: Instant,
});
export const Revisions = Type.Object({ items: Type.Array(Revision) });

const HistoryEntry = Type.Object({
  text: Type.String(),
  location: HighlightLocation,
  at: orNull(Type.String()),
});
export type HistoryEntry = Static<typeof HistoryEntry>;

export const CreateHighlightBody = Type.Object(
  {
    text: HighlightText,
    bookId: Type.Optional(orNull(Id)),
    target: Type.Optional(orNull(Target)),
    note: Type.Optional(orNull(HighlightNote)),
    color: Type.Optional(orNull(Color)),
    tags: Type.Optional(Tags),
    location: Type.Optional(HighlightLocation),
    language: Type.Optional(orNull(Language)),
    highlightedAt: Type.Optional(orNull(Instant)),
  },
  { additionalProperties: false },
);
export type CreateHighlightBody = Static<typeof CreateHighlightBody>;

export const UpdateHighlightBody = Type.Object(
  {
    text: Type.Optional(HighlightText),
    note: Type.Optional(orNull(HighlightNote)),
    color: Type.Optional(orNull(Color)),
    tags: Type.Optional(Tags),
    location: Type.Optional(HighlightLocation),
    language: Type.Optional(orNull(Language)),
  },
  { additionalProperties: false, description: "Changing `text` keeps the earlier quote in `history`" },
);
export type UpdateHighlightBody = Static<typeof UpdateHighlightBody>;

export const Highlight = Type.Object({
  id: Type.String(),
  ownerId: Type.String(),
  bookId: orNull(Type.String()),
  target: orNull(Target),
  text: Type.String(),
  note: orNull(Type.String()),
  color: orNull(Type.String()),
  tags: Type.Array(Type.String()),
  location: HighlightLocation,
  locationLabel: orNull(Type.String()),
  language: orNull(Type.String()),
  source: NoteSourceSchema,
  history: Type.Array(HistoryEntry),
  highlightedAt: orNull(Instant),
  createdAt: Instant,
  updatedAt: Instant,
});

export const TagCount = Type.Object({
  tag: Type.String(),
  notes: Type.Integer(),
  highlights: Type.Integer(),
});
export const TagCounts = Type.Object({ items: Type.Array(TagCount) });

const LinkSecret = Type.String({ minLength: 1, maxLength: 200, description: "A share link's secret" });
export const NoteLinkQuery = Type.Object(
  { link: Type.Optional(LinkSecret) },
  { additionalProperties: false },
);
export const NoteLinkHeaders = Type.Object({ "x-readlog-link": Type.Optional(LinkSecret) });
