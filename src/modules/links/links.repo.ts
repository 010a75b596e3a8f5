import { type Kysely, type Selectable, sql, type Updateable } from "kysely";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import type { LinkImagesTable, LinkStatus, LinksTable, LinksTables } from "./links.tables.js";

type Db = Kysely<LinksTables>;

export type LinkRow = Selectable<LinksTable>;
export type LinkImageRow = Selectable<LinkImagesTable>;
export type LinkChanges = Updateable<LinksTable>;

/** What the list can filter on. */
export interface LinkFilter {
  status?: LinkStatus;
  unread?: boolean;
  archived?: boolean;
  favourite?: boolean;
  tagKey?: string;
  site?: string;
  q?: string;
  /** Only ids below this (keyset pagination, newest first). */
  before?: string;
}

/** Columns the list and the API show (the article's HTML and text are read only for one link). */
const LISTED = [
  "id",
  "owner_id",
  "url",
  "canonical_url",
  "site",
  "status",
  "error",
  "error_code",
  "attempts",
  "raw_blob",
  "content_type",
  "raw_bytes",
  "fetched_url",
  "title",
  "byline",
  "site_name",
  "published_at",
  "lang",
  "dir",
  "excerpt",
  "lead_image",
  "word_count",
  "reading_minutes",
  "method",
  "extractor_version",
  "images_count",
  "images_bytes",
  "images_skipped",
  "comment",
  "source",
  "read_at",
  "archived_at",
  "favourite",
  "progress",
  "notify_key",
  "notified_at",
  "fetched_at",
  "extracted_at",
  "created_at",
  "updated_at",
] as const;
export type ListedLinkRow = Pick<LinkRow, (typeof LISTED)[number]>;

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** SQL of saved links, their tags and archived images. Every owner-facing query filters on owner_id. */
export class LinksRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Db {
    return this.scope.db;
  }

  /** Inserts the link unless the owner has one with its canonical URL; true when inserted. */
  async insertIfNew(row: LinkRow): Promise<boolean> {
    const r = await this.db
      .insertInto("links")
      .values(row)
      .onConflict((oc) => oc.columns(["owner_id", "canonical_url"]).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  byCanonical(ownerId: string, canonical: string): Promise<ListedLinkRow | undefined> {
    return this.db
      .selectFrom("links")
      .select(LISTED)
      .where("owner_id", "=", ownerId)
      .where("canonical_url", "=", canonical)
      .executeTakeFirst();
  }

  /** The link (any owner: the pipeline's read; access is checked by the service for users). */
  byId(id: string): Promise<ListedLinkRow | undefined> {
    return this.db.selectFrom("links").select(LISTED).where("id", "=", id).executeTakeFirst();
  }

  /** The article's sanitised HTML and text. */
  content(id: string): Promise<Pick<LinkRow, "content_html" | "content_text"> | undefined> {
    return this.db
      .selectFrom("links")
      .select(["content_html", "content_text"])
      .where("id", "=", id)
      .executeTakeFirst();
  }

  async update(id: string, changes: LinkChanges): Promise<void> {
    await this.db.updateTable("links").set(changes).where("id", "=", id).execute();
  }

  /**
   * Moves the link to `to` if it is in one of `from` (a step claiming its work); false when another run got
   * there first or the link is gone.
   */
  async transition(id: string, from: readonly LinkStatus[], changes: LinkChanges): Promise<boolean> {
    const r = await this.db
      .updateTable("links")
      .set(changes)
      .where("id", "=", id)
      .where("status", "in", from)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async delete(ownerId: string, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const r = await this.db
      .deleteFrom("links")
      .where("owner_id", "=", ownerId)
      .where("id", "in", ids)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** A page of the owner's links, newest first, `limit + 1` rows (the extra one says more exist). */
  list(ownerId: string, f: LinkFilter, limit: number): Promise<ListedLinkRow[]> {
    let q = this.db
      .selectFrom("links")
      .select(LISTED.map((c) => `links.${c}` as const))
      .where("links.owner_id", "=", ownerId);
    if (f.before) q = q.where("links.id", "<", f.before);
    if (f.status) q = q.where("links.status", "=", f.status);
    if (f.unread !== undefined) q = q.where("links.read_at", f.unread ? "is" : "is not", null);
    if (f.archived !== undefined) q = q.where("links.archived_at", f.archived ? "is not" : "is", null);
    if (f.favourite !== undefined) q = q.where("links.favourite", "=", f.favourite ? 1 : 0);
    if (f.site) q = q.where("links.site", "=", f.site.toLowerCase().replace(/^www\./, ""));
    if (f.tagKey) {
      const key = f.tagKey;
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom("link_tags")
            .select("link_tags.link_id")
            .whereRef("link_tags.link_id", "=", "links.id")
            .where("link_tags.tag_key", "=", key),
        ),
      );
    }
    if (f.q) {
      for (const word of f.q.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8)) {
        const pattern = `%${likeEscape(word)}%`;
        q = q.where((eb) =>
          eb.or(
            ["links.title", "links.site_name", "links.site", "links.url"].map(
              (c) => sql<boolean>`lower(${sql.ref(c)}) like ${pattern} escape '\\'`,
            ),
          ),
        );
      }
    }
    return q
      .orderBy("links.id", "desc")
      .limit(limit + 1)
      .execute();
  }

  /** Tags of these links, in the order they were given. */
  async tagsOf(ids: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (ids.length === 0) return out;
    const rows = await this.db
      .selectFrom("link_tags")
      .select(["link_id", "tag"])
      .where("link_id", "in", ids)
      .orderBy("link_id")
      .orderBy("tag_key")
      .execute();
    for (const r of rows) out.set(r.link_id, [...(out.get(r.link_id) ?? []), r.tag]);
    return out;
  }

  /** Replaces the link's tags. */
  async setTags(ownerId: string, linkId: string, tags: readonly string[]): Promise<void> {
    await this.db.deleteFrom("link_tags").where("link_id", "=", linkId).execute();
    if (tags.length > 0)
      await this.db
        .insertInto("link_tags")
        .values(tags.map((tag) => ({ link_id: linkId, owner_id: ownerId, tag, tag_key: tag.toLowerCase() })))
        .execute();
  }

  /** Adds tags the link does not have yet (case-insensitively). */
  async addTags(ownerId: string, linkId: string, tags: readonly string[]): Promise<void> {
    if (tags.length === 0) return;
    await this.db
      .insertInto("link_tags")
      .values(tags.map((tag) => ({ link_id: linkId, owner_id: ownerId, tag, tag_key: tag.toLowerCase() })))
      .onConflict((oc) => oc.columns(["link_id", "tag_key"]).doNothing())
      .execute();
  }

  images(linkId: string): Promise<LinkImageRow[]> {
    return this.db.selectFrom("link_images").selectAll().where("link_id", "=", linkId).execute();
  }

  /** An archived image with this blob key in one of the owner's links, if any. */
  imageOf(ownerId: string, blobKey: string): Promise<LinkImageRow | undefined> {
    return this.db
      .selectFrom("link_images")
      .innerJoin("links", "links.id", "link_images.link_id")
      .selectAll("link_images")
      .where("link_images.blob_key", "=", blobKey)
      .where("links.owner_id", "=", ownerId)
      .limit(1)
      .executeTakeFirst();
  }

  async putImage(row: LinkImageRow): Promise<void> {
    await this.db
      .insertInto("link_images")
      .values(row)
      .onConflict((oc) =>
        oc.columns(["link_id", "url"]).doUpdateSet({
          blob_key: row.blob_key,
          content_type: row.content_type,
          bytes: row.bytes,
        }),
      )
      .execute();
  }

  /** Whether any link still names this blob (raw HTML or image), before the blob is removed. */
  async blobInUse(key: string): Promise<boolean> {
    const raw = await this.db
      .selectFrom("links")
      .select("id")
      .where("raw_blob", "=", key)
      .limit(1)
      .executeTakeFirst();
    if (raw) return true;
    const img = await this.db
      .selectFrom("link_images")
      .select("link_id")
      .where("blob_key", "=", key)
      .limit(1)
      .executeTakeFirst();
    return img !== undefined;
  }

  /** Blob keys of these links (raw HTML and images), for removing what nothing else names. */
  async blobsOf(ownerId: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const raw = await this.db
      .selectFrom("links")
      .select("raw_blob")
      .where("owner_id", "=", ownerId)
      .where("id", "in", ids)
      .where("raw_blob", "is not", null)
      .execute();
    const imgs = await this.db
      .selectFrom("link_images")
      .innerJoin("links", "links.id", "link_images.link_id")
      .select("link_images.blob_key")
      .where("links.owner_id", "=", ownerId)
      .where("links.id", "in", ids)
      .execute();
    return [...new Set([...raw.map((r) => r.raw_blob as string), ...imgs.map((r) => r.blob_key)])];
  }

  /** Ids of links with kept HTML (for `readlog reextract`), after `after`, in id order. */
  withKeptHtml(
    after: string,
    limit: number,
    ownerId?: string,
  ): Promise<Pick<LinkRow, "id" | "raw_blob" | "status" | "extractor_version">[]> {
    let q = this.db
      .selectFrom("links")
      .select(["id", "raw_blob", "status", "extractor_version"])
      .where("raw_blob", "is not", null)
      .where("id", ">", after);
    if (ownerId) q = q.where("owner_id", "=", ownerId);
    return q.orderBy("id").limit(limit).execute();
  }

  /** Links adopted from the text module's table by 0015-links, not yet queued for their fetch. */
  adopted(limit: number): Promise<{ id: string }[]> {
    return this.db
      .selectFrom("links")
      .select("id")
      .where("error_code", "=", "adopted")
      .orderBy("id")
      .limit(limit)
      .execute();
  }

  /** Readable links (of one owner, or all) after `after` in id order, with their text, for a search rebuild. */
  readable(ownerId: string | undefined, after: string, limit: number) {
    let q = this.db
      .selectFrom("links")
      .select(["id", "owner_id", "title", "site", "site_name", "lang", "created_at", "content_text"])
      .where("status", "=", "ready")
      .where("id", ">", after);
    if (ownerId) q = q.where("owner_id", "=", ownerId);
    return q.orderBy("id").limit(limit).execute();
  }

  /** Counts of the owner's links per status. */
  async statusCounts(ownerId: string): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom("links")
      .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
      .where("owner_id", "=", ownerId)
      .groupBy("status")
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }
}
