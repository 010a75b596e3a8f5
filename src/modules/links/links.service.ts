import { type Actor, requireScope } from "../../platform/access/actor.js";
import type { AccessControl } from "../../platform/access/policy.js";
import type { Blobs } from "../../platform/blobs/blobs.js";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { notFound } from "../../platform/errors.js";
import { decodeCursor, encodeCursor } from "../../platform/http/pagination.js";
import { newId } from "../../platform/ids.js";
import type { Queue } from "../../platform/queue/queue.js";
import type { SearchIndex } from "../../platform/search/search-index.js";
import { saveableUrl, siteOf } from "./link-url.js";
import { linksFetch, linksProcess } from "./links.jobs.js";
import type { LinkRow, LinksRepo, ListedLinkRow } from "./links.repo.js";
import type { LinkListQuery, UpdateLinkBody } from "./links.schemas.js";
import type { LinkSource } from "./links.tables.js";
import { articleDocument, EXTRACTOR_VERSION } from "./pipeline.js";
import { keepPage } from "./raw-page.js";

/** What a save asks for. */
export interface SaveInput {
  url: string;
  /** The page's HTML as the client has it: extracted instead of fetched. */
  html?: string;
  tags?: readonly string[];
  comment?: string | null;
  title?: string | null;
  source: LinkSource;
  /** The chat to tell when the article is readable (`telegram:<chat>`). */
  notifyKey?: string | null;
  /** When it was saved (an import's own date); default now. */
  savedAt?: string;
  read?: boolean;
  archived?: boolean;
  favourite?: boolean;
  /** Delay before the fetch (imports spread theirs). */
  fetchDelayMs?: number;
}

export interface SavedLink {
  link: ListedLinkRow;
  tags: string[];
  /** False when the owner had saved this article already (the existing entry is returned). */
  created: boolean;
}

/** Case-insensitively unique tags, trimmed, in the order given. */
export function cleanTags(tags: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const t of tags) {
    const tag = t.replace(/\s+/g, " ").trim();
    if (tag && !seen.has(tag.toLowerCase())) seen.set(tag.toLowerCase(), tag);
  }
  return [...seen.values()];
}

/** Saved links: save (deduplicated by canonical URL), list, read state, tags, archive, delete, refetch. */
export class LinksService {
  constructor(
    private readonly d: {
      uow: UnitOfWork;
      repo: LinksRepo;
      blobs: Blobs;
      queue: Queue;
      clock: Clock;
      access: AccessControl;
      search?: SearchIndex;
    },
  ) {}

  /** Saves a link, or returns the owner's entry for the same article. Queues the pipeline for a new one. */
  async save(actor: Actor, input: SaveInput): Promise<SavedLink> {
    requireScope(actor, "write");
    const { url, canonical } = saveableUrl(input.url);
    const sent =
      input.html !== undefined ? await keepPage(this.d.blobs, Buffer.from(input.html, "utf8")) : undefined;
    const now = this.d.clock.now();
    const at = now.toISOString();
    const tags = cleanTags(input.tags ?? []);
    return this.d.uow.transaction(async () => {
      const row: LinkRow = {
        ...emptyLink,
        id: newId(input.savedAt ? Date.parse(input.savedAt) : now.getTime()),
        owner_id: actor.userId,
        url,
        canonical_url: canonical,
        site: siteOf(canonical),
        status: sent ? "extracting" : "pending",
        raw_blob: sent?.key ?? null,
        raw_bytes: sent?.size ?? null,
        content_type: sent ? "text/html; charset=utf-8" : null,
        fetched_url: sent ? url : null,
        fetched_at: sent ? at : null,
        title: input.title ?? null,
        comment: input.comment ?? null,
        source: input.source,
        notify_key: input.notifyKey ?? null,
        read_at: input.read ? (input.savedAt ?? at) : null,
        archived_at: input.archived ? (input.savedAt ?? at) : null,
        favourite: input.favourite ? 1 : 0,
        created_at: input.savedAt ?? at,
        updated_at: at,
      };
      if (!(await this.d.repo.insertIfNew(row))) {
        const existing = await this.d.repo.byCanonical(actor.userId, canonical);
        if (!existing) throw notFound("Link");
        await this.d.repo.addTags(actor.userId, existing.id, tags);
        return { link: existing, tags: await this.tagsOf(existing.id), created: false };
      }
      await this.d.repo.setTags(actor.userId, row.id, tags);
      if (sent) await this.d.queue.enqueue(linksProcess, { linkId: row.id });
      else
        await this.d.queue.enqueue(
          linksFetch,
          { linkId: row.id },
          input.fetchDelayMs ? { delayMs: input.fetchDelayMs } : {},
        );
      return { link: row, tags, created: true };
    });
  }

  private async tagsOf(id: string): Promise<string[]> {
    return (await this.d.repo.tagsOf([id])).get(id) ?? [];
  }

  /** A page of the actor's links, newest first. */
  async list(actor: Actor, q: LinkListQuery) {
    const rows = await this.d.repo.list(
      actor.userId,
      {
        status: q.status,
        unread: q.unread,
        // Archived links are left out unless asked for (the reading list is what is not archived).
        archived: q.archived ?? false,
        favourite: q.favourite,
        tagKey: q.tag?.trim().toLowerCase(),
        site: q.site,
        q: q.q,
        before: decodeCursor(q.cursor),
      },
      q.limit,
    );
    const more = rows.length > q.limit;
    const kept = more ? rows.slice(0, q.limit) : rows;
    const tags = await this.d.repo.tagsOf(kept.map((r) => r.id));
    const last = kept.at(-1);
    return {
      items: kept.map((link) => ({ link, tags: tags.get(link.id) ?? [] })),
      nextCursor: more && last ? encodeCursor(last.id) : null,
    };
  }

  /** The actor's link; 404 when they may not `action` it. */
  async get(
    actor: Actor,
    id: string,
    action = "link.read",
  ): Promise<{ link: ListedLinkRow; tags: string[] }> {
    const link = await this.d.repo.byId(id);
    if (!link) throw notFound("Link");
    await this.d.access.require(actor, action, id, [{ id, ownerId: link.owner_id }]);
    return { link, tags: await this.tagsOf(id) };
  }

  /** The link with its article's HTML and text. */
  async withContent(actor: Actor, id: string) {
    const found = await this.get(actor, id);
    const content = await this.d.repo.content(id);
    return { ...found, html: content?.content_html ?? null, text: content?.content_text ?? null };
  }

  /** An archived image shown by one of the actor's links, with its bytes. */
  async image(actor: Actor, key: string) {
    requireScope(actor, "read");
    const row = await this.d.repo.imageOf(actor.userId, key);
    const bytes = row ? await this.d.blobs.get(key) : undefined;
    if (!row || !bytes) throw notFound("Image");
    return { contentType: row.content_type, bytes };
  }

  async update(actor: Actor, id: string, body: UpdateLinkBody) {
    return this.d.uow.transaction(async () => {
      const { link } = await this.get(actor, id, "link.update");
      const at = this.d.clock.now().toISOString();
      const changes: Partial<LinkRow> = { updated_at: at };
      if (body.read !== undefined) changes.read_at = body.read ? (link.read_at ?? at) : null;
      if (body.archived !== undefined) changes.archived_at = body.archived ? (link.archived_at ?? at) : null;
      if (body.favourite !== undefined) changes.favourite = body.favourite ? 1 : 0;
      if (body.progress !== undefined) {
        changes.progress = body.progress;
        // Reading to the end marks the article read.
        if (body.progress >= 0.98 && !link.read_at && body.read === undefined) changes.read_at = at;
      }
      if (body.comment !== undefined) changes.comment = body.comment;
      await this.d.repo.update(id, changes);
      if (body.tags !== undefined) {
        const tags = cleanTags(body.tags);
        await this.d.repo.setTags(actor.userId, id, tags);
        // The index carries the tags (its tag filter): a readable article is indexed again with them.
        if (this.d.search && link.status === "ready") {
          const content = await this.d.repo.content(id);
          await this.d.search.upsert(
            articleDocument({ ...link, content_text: content?.content_text ?? null }, tags),
          );
        }
      }
      return this.get(actor, id);
    });
  }

  /** Deletes the link, its tags and images; blobs nothing else names are removed after the commit. */
  async remove(actor: Actor, id: string): Promise<void> {
    await this.d.uow.transaction(async () => {
      await this.get(actor, id, "link.delete");
      const blobs = await this.d.repo.blobsOf(actor.userId, [id]);
      await this.d.repo.delete(actor.userId, [id]);
      await this.d.search?.remove("article", id);
      this.d.uow.afterCommit(async () => {
        for (const key of blobs) if (!(await this.d.repo.blobInUse(key))) await this.d.blobs.delete(key);
      });
    });
  }

  /**
   * Runs the pipeline again: from the kept page (re-extraction, after the extractor improved), or from a
   * new fetch when asked or when no page is kept.
   */
  async refetch(actor: Actor, id: string, opts: { fetch?: boolean } = {}) {
    return this.d.uow.transaction(async () => {
      const { link } = await this.get(actor, id, "link.update");
      await this.restart(link, opts.fetch === true);
      return this.get(actor, id);
    });
  }

  /** Puts a link back at the start of its pipeline (re-extract from the kept page, or fetch). */
  async restart(link: Pick<ListedLinkRow, "id" | "raw_blob">, fetch: boolean): Promise<void> {
    const at = this.d.clock.now().toISOString();
    const reextract = !fetch && link.raw_blob !== null;
    await this.d.repo.update(link.id, {
      status: reextract ? "extracting" : "pending",
      error: null,
      error_code: null,
      attempts: 0,
      updated_at: at,
    });
    const key = `${link.id}:${at}`;
    if (reextract) await this.d.queue.enqueue(linksProcess, { linkId: link.id }, { idempotencyKey: key });
    else await this.d.queue.enqueue(linksFetch, { linkId: link.id }, { idempotencyKey: key });
  }

  /**
   * Queues re-extraction from the kept pages of every link (of one owner, if given) whose extraction is
   * older than the current extractor, or of all of them; the number queued. An operator's command.
   */
  async reextractAll(opts: { all: boolean; ownerId?: string }): Promise<number> {
    let queued = 0;
    let after = "";
    for (;;) {
      const page = await this.d.repo.withKeptHtml(after, 500, opts.ownerId);
      if (page.length === 0) return queued;
      after = page[page.length - 1]!.id;
      for (const link of page) {
        if (!opts.all && link.extractor_version !== null && link.extractor_version >= EXTRACTOR_VERSION)
          continue;
        if (link.status === "fetching" || link.status === "pending" || link.status === "stored") continue;
        await this.d.uow.transaction(() => this.restart(link, false));
        queued++;
      }
    }
  }

  statusCounts(actor: Actor): Promise<Record<string, number>> {
    return this.d.repo.statusCounts(actor.userId);
  }
}

/** The columns a new link starts with, before the pipeline fills them. */
const emptyLink: Omit<
  LinkRow,
  "id" | "owner_id" | "url" | "canonical_url" | "site" | "status" | "source" | "created_at" | "updated_at"
> = {
  error: null,
  error_code: null,
  attempts: 0,
  raw_blob: null,
  content_type: null,
  raw_bytes: null,
  fetched_url: null,
  title: null,
  byline: null,
  site_name: null,
  published_at: null,
  lang: null,
  dir: null,
  excerpt: null,
  lead_image: null,
  word_count: null,
  reading_minutes: null,
  method: null,
  extractor_version: null,
  content_html: null,
  content_text: null,
  images_count: 0,
  images_bytes: 0,
  images_skipped: 0,
  comment: null,
  read_at: null,
  archived_at: null,
  favourite: 0,
  progress: 0,
  notify_key: null,
  notified_at: null,
  fetched_at: null,
  extracted_at: null,
};
