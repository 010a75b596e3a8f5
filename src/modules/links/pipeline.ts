import type { Blobs } from "../../platform/blobs/blobs.js";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import type { EventLog } from "../../platform/events/event-log.js";
import { FetchError, type Fetcher } from "../../platform/fetch/fetcher.js";
import type { ModuleLog } from "../../platform/module/module.js";
import type { JobContext, Queue } from "../../platform/queue/queue.js";
import type { SearchDocument, SearchIndex } from "../../platform/search/search-index.js";
import { type ArticleExtractor, PageTooLarge } from "./extraction/extractor.js";
import type { SiteGate } from "./host-gate.js";
import { linkProcessed } from "./links.events.js";
import { linksFetch, linksProcess } from "./links.jobs.js";
import type { LinkChanges, LinksRepo, ListedLinkRow } from "./links.repo.js";
import { keepPage, readPage } from "./raw-page.js";

/** Bumped when the extractor changes what it finds: `readlog reextract` re-runs older extractions. */
export const EXTRACTOR_VERSION = 1;

const HTML_TYPES = new Set(["text/html", "application/xhtml+xml"]);
/** Images archived with an article (SVG is left out: it can carry script). */
const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"];
const MAX_IMAGES = 100;
const MAX_IMAGE_BYTES = 5_000_000;
const IMAGE_TIMEOUT_MS = 15_000;
/** Images of one article fetched at once (each site's own limit still applies). */
const IMAGE_PARALLEL = 4;
/** Failures that say the site cannot be reached at all, so its other images are not tried. */
const UNREACHABLE = new Set([
  "dns",
  "connect",
  "timeout",
  "blocked-host",
  "blocked-address",
  "port",
  "scheme",
  "credentials",
]);

/** Where the reader view serves an archived image (to owners of a link that shows it). */
export const imagePath = (key: string) => `/read/images/${key}`;

/** What a link's chat is told once the article is readable. */
export function readyMessage(link: Pick<ListedLinkRow, "title" | "site" | "reading_minutes">): string {
  const title = link.title?.trim() || link.site;
  return link.reading_minutes ? `Saved: ${title} — ${link.reading_minutes} min read` : `Saved: ${title}`;
}

/** A readable link as the search index holds it: title and site, the article's text, its tags. */
export function articleDocument(
  link: Pick<ListedLinkRow, "id" | "owner_id" | "title" | "site" | "site_name" | "lang" | "created_at"> & {
    content_text: string | null;
  },
  tags: readonly string[],
): SearchDocument {
  return {
    kind: "article",
    id: link.id,
    ownerId: link.owner_id,
    title: [link.title, link.site_name ?? link.site].filter(Boolean).join(" — "),
    body: link.content_text ?? "",
    tags,
    date: link.created_at,
    language: link.lang,
  };
}

/** What the pipeline tells the chat that saved a link, in the unit of work that made it readable. */
export type LinkNotifier = (link: ListedLinkRow, text: string) => Promise<void>;

export interface PipelineDeps {
  uow: UnitOfWork;
  repo: LinksRepo;
  blobs: Blobs;
  fetcher: Fetcher;
  gate: SiteGate;
  queue: Queue;
  clock: Clock;
  log: ModuleLog;
  notify: LinkNotifier;
  events: EventLog;
  search?: SearchIndex;
  archiveMaxBytes: number;
  /** Extraction, sanitising and image rewriting (worker threads in the server). */
  extractor: ArticleExtractor;
}

/** The page's language when it is a BCP 47 tag (pages write `lang="en_US"`, `lang="lang="`…), else null. */
export function languageTag(lang: string | undefined): string | null {
  if (!lang) return null;
  try {
    const [tag] = Intl.getCanonicalLocales(lang.trim().replace(/_/g, "-"));
    return tag && tag.length <= 35 ? tag : null;
  } catch {
    return null;
  }
}

/** What a non-article answer is, in words. */
function storedAs(type: string): string {
  if (type === "application/pdf") return "a PDF document: kept as it is, not an article";
  if (type.startsWith("image/")) return `an image (${type}): kept as it is, not an article`;
  return `not an article (${type}): kept as it is`;
}

/**
 * The steps of a saved link: fetch (keep the page), then process (extract, sanitise, archive images,
 * index, notify). Each step claims the link by its status, so a step run twice (a retry, a second job)
 * does its work once; each writes its result and queues the next step in one unit of work.
 */
export class LinkPipeline {
  constructor(private readonly d: PipelineDeps) {}

  private now(): string {
    return this.d.clock.now().toISOString();
  }

  /** The `links.fetch` job. */
  async fetch(linkId: string, job: JobContext): Promise<void> {
    const { repo } = this.d;
    const link = await repo.byId(linkId);
    if (!link || (link.status !== "pending" && link.status !== "fetching")) return;
    await repo.update(linkId, { status: "fetching", attempts: job.attempt, updated_at: this.now() });
    // An extraction worker that is not running starts now and loads its stack while the page downloads
    // (seconds of CPU after the pool went idle), not once the page is kept.
    this.d.extractor.warm();
    let res: Awaited<ReturnType<Fetcher["fetch"]>>;
    try {
      const host = new URL(link.url).hostname;
      res = await this.d.gate.run(
        host,
        () => this.d.fetcher.fetch(link.url, { signal: job.signal }),
        job.signal,
      );
    } catch (err) {
      const last = job.attempt >= linksFetch.policy.attempts;
      if (err instanceof FetchError && err.retryable && !last) {
        await repo.update(linkId, {
          status: "pending",
          error: `${err.message} (trying again)`,
          error_code: err.reason,
          updated_at: this.now(),
        });
        throw err;
      }
      const message = err instanceof FetchError ? err.message : "the fetch failed unexpectedly";
      if (!(err instanceof FetchError)) this.d.log.warn({ err, linkId }, "link fetch failed");
      await this.fail(linkId, err instanceof FetchError ? err.reason : "fetch", message);
      return;
    }
    const type =
      res.contentType ?? (/^\s*</.test(res.body.subarray(0, 512).toString("latin1")) ? "text/html" : "");
    const kept = await keepPage(this.d.blobs, res.body);
    const fetched: LinkChanges = {
      raw_blob: kept.key,
      raw_bytes: kept.size,
      content_type: res.headers["content-type"] ?? type ?? null,
      fetched_url: res.url,
      fetched_at: this.now(),
      updated_at: this.now(),
      error: null,
      error_code: null,
    };
    if (!HTML_TYPES.has(type)) {
      const error = storedAs(type || "unknown type");
      await this.d.uow.transaction(async () => {
        await repo.update(linkId, { ...fetched, status: "stored", error });
        await this.processed(link, "stored", error, false);
      });
      return;
    }
    await this.d.uow.transaction(async () => {
      if (await repo.transition(linkId, ["fetching"], { ...fetched, status: "extracting", attempts: 0 }))
        await this.d.queue.enqueue(linksProcess, { linkId });
    });
  }

  /** The `links.process` job. */
  async process(linkId: string, job: JobContext): Promise<void> {
    const link = await this.d.repo.byId(linkId);
    if (link?.status !== "extracting" || !link.raw_blob) return;
    this.d.extractor.warm();
    try {
      await this.extract(link, job);
    } catch (err) {
      // A page that needs more memory than an extraction worker may have needs it every time.
      if (err instanceof PageTooLarge) return this.fail(linkId, "too-large", err.message);
      if (job.attempt < linksProcess.policy.attempts) throw err;
      this.d.log.error({ err, linkId }, "link extraction failed");
      await this.fail(
        linkId,
        "extract",
        `extraction failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  private async extract(link: ListedLinkRow, job: JobContext): Promise<void> {
    const { repo } = this.d;
    const raw = await readPage(this.d.blobs, link.raw_blob as string);
    if (!raw) return this.fail(link.id, "archive", "the kept page is missing from the archive; refetch it");
    // The extractor (linkedom, Readability, jsdom, DOMPurify) is loaded on the first extraction, in a
    // worker thread in the server.
    const base = link.fetched_url ?? link.url;
    const article = await this.d.extractor.extract({
      bytes: raw,
      url: base,
      contentType: link.content_type ?? undefined,
    });
    if (article.method === "none" || !article.html) {
      // Tried by this extractor: a later one is tried again by `readlog reextract`.
      await this.d.repo.update(link.id, { extractor_version: EXTRACTOR_VERSION });
      return this.fail(link.id, "not-article", "not an article: no readable text was found on the page");
    }
    const images = await this.archiveImages(link, article.images, job.signal);
    const html = await this.d.extractor.rewriteImages(article.html, images.mapping, {
      baseUrl: base,
      dropUnmapped: true,
    });
    const canonical = article.canonical ?? link.canonical_url;
    const now = this.now();
    const changes: LinkChanges = {
      status: "ready",
      error: null,
      error_code: null,
      attempts: 0,
      title: article.title?.slice(0, 1000) ?? link.title,
      byline: article.byline?.slice(0, 1000) ?? null,
      site_name: article.siteName?.slice(0, 1000) ?? null,
      published_at: article.publishedTime?.slice(0, 100) ?? null,
      lang: languageTag(article.lang),
      dir: article.dir === "rtl" || article.dir === "ltr" ? article.dir : null,
      excerpt: article.excerpt?.slice(0, 2000) ?? null,
      lead_image: article.leadImage && article.leadImage.length <= 8192 ? article.leadImage : null,
      word_count: article.wordCount,
      reading_minutes: Math.max(1, article.readingMinutes),
      method: article.method,
      extractor_version: EXTRACTOR_VERSION,
      content_html: html,
      content_text: article.text,
      images_count: images.count,
      images_bytes: images.bytes,
      images_skipped: images.skipped,
      extracted_at: now,
      updated_at: now,
    };
    await this.d.uow.transaction(async () => {
      if (canonical !== link.canonical_url) {
        const other = await repo.byCanonical(link.owner_id, canonical);
        if (other && other.id !== link.id) {
          // The page says it is an article already saved: one entry, with both entries' tags.
          const tags = (await repo.tagsOf([link.id])).get(link.id) ?? [];
          await repo.addTags(link.owner_id, other.id, tags);
          await repo.delete(link.owner_id, [link.id]);
          return;
        }
        changes.canonical_url = canonical;
      }
      if (!(await repo.transition(link.id, ["extracting"], changes))) return;
      const ready = { ...link, ...changes } as ListedLinkRow;
      await this.processed(link, "ready", null, link.extracted_at !== null);
      if (this.d.search) {
        const tags = (await repo.tagsOf([link.id])).get(link.id) ?? [];
        await this.d.search.upsert(articleDocument({ ...ready, content_text: article.text }, tags));
      }
      if (link.notify_key && !link.notified_at) {
        await this.d.notify(ready, readyMessage(ready));
        await repo.update(link.id, { notified_at: now });
      }
    });
  }

  /**
   * Fetches the article's images into Blobs (those archived by an earlier run are kept), a few at once and
   * within the article's cap. A site that cannot be reached (no such name, refused, private, timed out) is
   * not asked again for this article's other images.
   */
  private async archiveImages(link: ListedLinkRow, urls: readonly string[], signal: AbortSignal) {
    const known = new Map((await this.d.repo.images(link.id)).map((r) => [r.url, r]));
    const mapping = new Map<string, string>();
    const deadHosts = new Set<string>();
    let bytes = 0;
    let reserved = 0;
    let count = 0;
    let skipped = Math.max(0, urls.length - MAX_IMAGES);
    const todo = urls.slice(0, MAX_IMAGES);
    for (const url of todo) {
      const had = known.get(url);
      if (!had) continue;
      mapping.set(url, imagePath(had.blob_key));
      bytes += had.bytes;
      count++;
    }
    const queue = todo.filter((u) => !known.has(u));
    const one = async (url: string) => {
      const host = new URL(url).hostname;
      const room = Math.min(MAX_IMAGE_BYTES, this.d.archiveMaxBytes - bytes - reserved);
      if (room <= 0 || deadHosts.has(host)) {
        skipped++;
        return;
      }
      reserved += room;
      try {
        const res = await this.d.gate.run(
          host,
          () =>
            deadHosts.has(host)
              ? Promise.reject(new Error("site unreachable"))
              : this.d.fetcher.fetch(url, {
                  accept: IMAGE_TYPES,
                  maxBytes: room,
                  timeoutMs: IMAGE_TIMEOUT_MS,
                  signal,
                }),
          signal,
          // An article's images come right after its page, as in a browser: the site's concurrency limit
          // holds, its politeness delay (between pages) does not (ADR 0206).
          { delay: false },
        );
        const put = await this.d.blobs.put(res.body);
        await this.d.repo.putImage({
          link_id: link.id,
          url,
          blob_key: put.key,
          content_type: res.contentType ?? "application/octet-stream",
          bytes: res.body.byteLength,
        });
        mapping.set(url, imagePath(put.key));
        bytes += res.body.byteLength;
        count++;
      } catch (err) {
        if (signal.aborted) throw err;
        if (err instanceof FetchError && UNREACHABLE.has(err.reason)) deadHosts.add(host);
        skipped++;
      } finally {
        reserved -= room;
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(IMAGE_PARALLEL, queue.length) }, async () => {
        for (let url = queue.shift(); url !== undefined; url = queue.shift()) await one(url);
      }),
    );
    return { mapping, bytes, count, skipped };
  }

  private async fail(linkId: string, code: string, message: string): Promise<void> {
    const error = message.slice(0, 500);
    await this.d.uow.transaction(async () => {
      const link = await this.d.repo.byId(linkId);
      if (!link) return;
      await this.d.repo.update(linkId, { status: "failed", error, error_code: code, updated_at: this.now() });
      await this.processed(link, "failed", error, false);
    });
  }

  /** Records the end of a run (the owner's clients hear it live; notes may re-anchor highlights). */
  private processed(
    link: Pick<ListedLinkRow, "id" | "owner_id">,
    status: "ready" | "stored" | "failed",
    error: string | null,
    reextracted: boolean,
  ) {
    return this.d.events.record(
      linkProcessed,
      { linkId: link.id, status, error, reextracted },
      { aggregateId: link.id, ownerId: link.owner_id },
    );
  }
}
