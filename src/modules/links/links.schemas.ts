import { type Static, Type } from "@sinclair/typebox";
import { Id, Instant } from "../../platform/http/responses.js";
import { MAX_URL } from "./link-url.js";
import { LINK_SOURCES, LINK_STATUSES } from "./links.tables.js";

export const MAX_TAGS = 50;
export const MAX_TAG = 100;
export const MAX_COMMENT = 4000;
/** Largest page a client may send with `html` (the body limit applies first). */
export const MAX_SENT_HTML = 5_000_000;

export const Url = Type.String({ minLength: 1, maxLength: MAX_URL, description: "An http(s) URL" });
export const Tag = Type.String({ minLength: 1, maxLength: MAX_TAG });
export const Tags = Type.Array(Tag, { maxItems: MAX_TAGS, description: "Tags (case-insensitively unique)" });

export const SaveLinkBody = Type.Object(
  {
    url: Url,
    html: Type.Optional(
      Type.String({
        maxLength: MAX_SENT_HTML,
        description:
          "The page's own HTML, sent by the client (a page behind a login, or built by script): it is " +
          "extracted instead of fetching the URL",
      }),
    ),
    tags: Type.Optional(Tags),
    comment: Type.Optional(Type.String({ maxLength: MAX_COMMENT })),
  },
  { additionalProperties: false },
);
export type SaveLinkBody = Static<typeof SaveLinkBody>;

export const UpdateLinkBody = Type.Object(
  {
    read: Type.Optional(Type.Boolean({ description: "Marks the article read (true) or unread (false)" })),
    archived: Type.Optional(Type.Boolean()),
    favourite: Type.Optional(Type.Boolean()),
    progress: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: "Share read, 0–1" })),
    tags: Type.Optional(Tags),
    comment: Type.Optional(Type.Union([Type.String({ maxLength: MAX_COMMENT }), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateLinkBody = Static<typeof UpdateLinkBody>;

const Bool = Type.Boolean();
export const LinkListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    status: Type.Optional(LINK_STATUSES.schema()),
    unread: Type.Optional(Bool),
    archived: Type.Optional(Type.Boolean({ description: "Default: archived links are left out" })),
    favourite: Type.Optional(Bool),
    tag: Type.Optional(Tag),
    site: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
    q: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: "Words in the title, the site or the URL" }),
    ),
  },
  { additionalProperties: false },
);
export type LinkListQuery = Static<typeof LinkListQuery>;

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Str = (max: number) => Type.String({ maxLength: max });

export const Link = Type.Object(
  {
    id: Id,
    url: Url,
    canonicalUrl: Url,
    site: Str(253),
    status: LINK_STATUSES.schema({ description: "Where the link is in the pipeline" }),
    error: Type.Union([Str(500), Type.Null()], {
      description: "Why the last step failed, in words (`403 from the site`, `not an article`)",
    }),
    title: Nullable(Str(1000)),
    byline: Nullable(Str(1000)),
    siteName: Nullable(Str(1000)),
    publishedTime: Nullable(Str(100)),
    lang: Nullable(Str(35)),
    dir: Nullable(Str(3)),
    excerpt: Nullable(Str(2000)),
    leadImage: Nullable(Str(MAX_URL)),
    contentType: Nullable(Str(200)),
    wordCount: Type.Union([Type.Integer(), Type.Null()]),
    readingMinutes: Type.Union([Type.Integer(), Type.Null()]),
    minutesLeft: Type.Union([Type.Integer(), Type.Null()], {
      description: "Reading time left at `progress`",
    }),
    images: Type.Object({
      archived: Type.Integer(),
      bytes: Type.Integer(),
      skipped: Type.Integer({
        description: "Images not archived (too large, over the article's cap, failed)",
      }),
    }),
    tags: Tags,
    comment: Nullable(Str(MAX_COMMENT)),
    source: LINK_SOURCES.schema(),
    favourite: Type.Boolean(),
    progress: Type.Number(),
    readAt: Type.Union([Instant, Type.Null()]),
    archivedAt: Type.Union([Instant, Type.Null()]),
    createdAt: Instant,
    updatedAt: Instant,
    readerUrl: Type.String({ maxLength: 100, description: "The reader view (HTML)" }),
  },
  { description: "A saved link" },
);
export type Link = Static<typeof Link>;

export const LinkWithContent = Type.Composite([
  Link,
  Type.Object({
    html: Type.Union([Type.String(), Type.Null()], {
      description: "The sanitised article, images served from the archive (null until extracted)",
    }),
  }),
]);

export const LinkPage = Type.Object({
  items: Type.Array(Link, { maxItems: 200 }),
  nextCursor: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]),
});

export const RefetchBody = Type.Object(
  {
    fetch: Type.Optional(
      Type.Boolean({
        description: "Fetch the page again; default: re-extract from the kept HTML (fetch when none is kept)",
      }),
    ),
  },
  { additionalProperties: false },
);
