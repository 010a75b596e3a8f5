import { type Kysely, sql } from "kysely";
import { columnTypes } from "../../../platform/db/column-types.js";
import type { DbKind } from "../../../platform/db/database.js";
import { normalizeUrl } from "../extraction/canonical-url.js";

// Saved articles (issue 14). The `links` table was created by 0007-text, when the text module kept the URLs
// sent over chat (status `saved`, nothing fetched). The links module adopts it in place: every existing row
// is kept, given its canonical address (tracking parameters dropped) and the status `pending` (to be
// fetched), and the columns of the pipeline and the reader are added. Rows of one owner that turn out to be
// the same article once normalised are merged into the oldest (comments kept, joined), so that the new
// unique (owner, canonical URL) index holds.
// biome-ignore lint/suspicious/noExplicitAny: migrations describe past schemas, not the current one
export async function up(db: Kysely<any>, kind: DbKind): Promise<void> {
  const t = columnTypes(kind);
  const add = (name: string, type: Parameters<ReturnType<typeof db.schema.alterTable>["addColumn"]>[1]) =>
    db.schema.alterTable("links").addColumn(name, type).execute();
  const addInt = (name: string) =>
    db.schema
      .alterTable("links")
      .addColumn(name, "integer", (c) => c.notNull().defaultTo(0))
      .execute();

  // The address the entry is known by (dedupe key) and its site (host without www.), for the site filter.
  await add("canonical_url", "text");
  await add("site", "text");
  // Pipeline: status (pending | fetching | extracting | ready | stored | failed), the last error in words
  // and its short code, attempts of the current run.
  await add("error", "text");
  await add("error_code", "text");
  await addInt("attempts");
  // The page as fetched (or as sent by the client): a gzip blob in Blobs, its media type and size.
  await add("raw_blob", "text");
  await add("content_type", "text");
  await add("raw_bytes", "integer");
  await add("fetched_url", "text");
  // What the extractor found.
  await add("title", "text");
  await add("byline", "text");
  await add("site_name", "text");
  await add("published_at", "text");
  await add("lang", "text");
  await add("dir", "text");
  await add("excerpt", "text");
  await add("lead_image", "text");
  await add("word_count", "integer");
  await add("reading_minutes", "integer");
  await add("method", "text");
  await add("extractor_version", "integer");
  // Sanitised article HTML with images rewritten to the archive, and its text (search, highlights).
  await add("content_html", "text");
  await add("content_text", "text");
  await addInt("images_count");
  await addInt("images_bytes");
  await addInt("images_skipped");
  // Reading state.
  await add("read_at", t.instant);
  await add("archived_at", t.instant);
  await addInt("favourite");
  await db.schema
    .alterTable("links")
    .addColumn("progress", kind === "postgres" ? "double precision" : "real", (c) => c.notNull().defaultTo(0))
    .execute();
  // The chat the link was saved from (`telegram:<chat>`), told when the article is readable.
  await add("notify_key", "text");
  await add("notified_at", t.instant);
  await add("fetched_at", t.instant);
  await add("extracted_at", t.instant);
  await add("updated_at", t.instant);

  // Adopt the rows of 0007-text.
  const rows: Array<{ id: string; owner_id: string; url: string; comment: string | null }> = await db
    .selectFrom("links")
    .select(["id", "owner_id", "url", "comment"])
    .orderBy("owner_id")
    .orderBy("id")
    .execute();
  const kept = new Map<string, { id: string; comments: string[] }>();
  for (const r of rows) {
    let canonical: string;
    try {
      canonical = normalizeUrl(r.url);
    } catch {
      canonical = r.url;
    }
    const key = `${r.owner_id} ${canonical}`;
    const first = kept.get(key);
    if (first) {
      if (r.comment) first.comments.push(r.comment);
      await db.deleteFrom("links").where("id", "=", r.id).execute();
      continue;
    }
    kept.set(key, { id: r.id, comments: r.comment ? [r.comment] : [] });
    await db
      .updateTable("links")
      .set({ canonical_url: canonical, site: siteOf(canonical) })
      .where("id", "=", r.id)
      .execute();
  }
  for (const { id, comments } of kept.values())
    if (comments.length > 1)
      await db
        .updateTable("links")
        .set({ comment: comments.join(" · ") })
        .where("id", "=", id)
        .execute();
  // Marked `adopted`: the links module's worker queues their fetch when it first starts (links-sweep.ts).
  await sql`update links set status = 'pending', error_code = 'adopted', updated_at = created_at`.execute(db);
  if (kind === "postgres") {
    await sql`alter table links alter column canonical_url set not null`.execute(db);
    await sql`alter table links alter column site set not null`.execute(db);
    await sql`alter table links alter column updated_at set not null`.execute(db);
  }
  await db.schema
    .createIndex("links_canonical_idx")
    .on("links")
    .columns(["owner_id", "canonical_url"])
    .unique()
    .execute();
  await db.schema.createIndex("links_site_idx").on("links").columns(["owner_id", "site"]).execute();

  await db.schema
    .createTable("link_tags")
    .addColumn("link_id", "text", (c) => c.notNull().references("links.id").onDelete("cascade"))
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("tag", "text", (c) => c.notNull())
    // Lower-cased: one tag per link whatever its case; the filter compares keys.
    .addColumn("tag_key", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("link_tags_pk", ["link_id", "tag_key"])
    .execute();
  await db.schema
    .createIndex("link_tags_owner_idx")
    .on("link_tags")
    .columns(["owner_id", "tag_key"])
    .execute();

  // Images archived for an article: the address it had in the page and the blob holding it.
  await db.schema
    .createTable("link_images")
    .addColumn("link_id", "text", (c) => c.notNull().references("links.id").onDelete("cascade"))
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("blob_key", "text", (c) => c.notNull())
    .addColumn("content_type", "text", (c) => c.notNull())
    .addColumn("bytes", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("link_images_pk", ["link_id", "url"])
    .execute();
  await db.schema.createIndex("link_images_blob_idx").on("link_images").columns(["blob_key"]).execute();
}

/** The host without `www.` (as link-url.ts computes it when this ran). */
function siteOf(url: string): string {
  return new URL(url).hostname.replace(/^www\./, "");
}
