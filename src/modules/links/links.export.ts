import { Type } from "@sinclair/typebox";
import { Instant as At, Id } from "../../platform/http/responses.js";
import {
  type DerivedTable,
  type ExportedTable,
  orNull,
  exportRow as row,
} from "../../platform/portability/exported-table.js";
import { normalizeUrl } from "./extraction/canonical-url.js";
import { MAX_URL, siteOf } from "./link-url.js";
import { MAX_COMMENT, Tag } from "./links.schemas.js";
import { LINK_SOURCES, LINK_STATUSES } from "./links.tables.js";

const Text = (max: number) => Type.String({ maxLength: max });
const Url = Type.String({ minLength: 1, maxLength: MAX_URL });
const Opt = Type.Optional;

/**
 * Saved links and their tags, as the full export writes them. The article itself (kept page, extracted
 * text, images) is not in the document: a restore fetches every link again (see `refetchRestored`).
 * Documents written before the links module (url, status "saved", comment, source, createdAt) restore too:
 * what they lack is derived from the URL.
 */
export const LINKS_EXPORT: readonly ExportedTable[] = [
  {
    key: "links",
    table: "links",
    orderBy: ["id"],
    row: row({
      id: Id,
      // restore-checks.ts applies isHttpUrl and one entry per canonical URL.
      url: Url,
      canonicalUrl: Opt(Url),
      status: Opt(Type.Union([LINK_STATUSES.schema(), Type.Literal("saved")])),
      title: Opt(orNull(Text(1000))),
      comment: orNull(Text(MAX_COMMENT)),
      source: LINK_SOURCES.schema({ description: "Where the link was saved from" }),
      favourite: Opt(Type.Integer({ minimum: 0, maximum: 1 })),
      progress: Opt(Type.Number({ minimum: 0, maximum: 1 })),
      readAt: Opt(orNull(At)),
      archivedAt: Opt(orNull(At)),
      createdAt: At,
      updatedAt: Opt(At),
    }),
    refs: {},
    complete: (r) => {
      const url = String(r.url);
      const canonical = typeof r.canonical_url === "string" ? r.canonical_url : normalizeUrl(url);
      return {
        ...r,
        canonical_url: canonical,
        site: siteOf(canonical),
        // The article is fetched again: every restored link starts the pipeline.
        status: "pending",
        title: r.title ?? null,
        favourite: r.favourite ?? 0,
        progress: r.progress ?? 0,
        read_at: r.read_at ?? null,
        archived_at: r.archived_at ?? null,
        updated_at: r.updated_at ?? r.created_at,
      };
    },
  },
  {
    key: "linkTags",
    table: "link_tags",
    orderBy: ["link_id", "tag_key"],
    row: row({ linkId: Id, tag: Tag }),
    refs: { linkId: "links" },
    complete: (r) => ({ ...r, tag_key: String(r.tag).toLowerCase() }),
  },
];

/** After a restore, every restored link is queued for its fetch (spaced, so a big library trickles in). */
export function refetchRestored(enqueue: (ids: string[]) => Promise<void>): DerivedTable {
  return {
    table: "links",
    async rebuild(db, ownerId) {
      const rows: { id: string }[] = await db
        .selectFrom("links")
        .select("id")
        .where("owner_id", "=", ownerId)
        .orderBy("id")
        .execute();
      await enqueue(rows.map((r) => r.id));
    },
  };
}
