import type { ListedLinkRow } from "./links.repo.js";
import type { Link } from "./links.schemas.js";

/** Minutes of reading left at `progress` (null until the article is extracted). */
export function minutesLeft(link: Pick<ListedLinkRow, "reading_minutes" | "progress">): number | null {
  if (link.reading_minutes === null) return null;
  return Math.max(0, Math.ceil(link.reading_minutes * (1 - link.progress)));
}

/** A link as the API shows it. */
export function toLink(link: ListedLinkRow, tags: readonly string[]): Link {
  return {
    id: link.id,
    url: link.url,
    canonicalUrl: link.canonical_url,
    site: link.site,
    status: link.status,
    error: link.error,
    title: link.title,
    byline: link.byline,
    siteName: link.site_name,
    publishedTime: link.published_at,
    lang: link.lang,
    dir: link.dir,
    excerpt: link.excerpt,
    leadImage: link.lead_image,
    contentType: link.content_type,
    wordCount: link.word_count,
    readingMinutes: link.reading_minutes,
    minutesLeft: minutesLeft(link),
    images: { archived: link.images_count, bytes: link.images_bytes, skipped: link.images_skipped },
    tags: [...tags],
    comment: link.comment,
    source: link.source,
    favourite: link.favourite === 1,
    progress: link.progress,
    readAt: link.read_at === null ? null : new Date(link.read_at).toISOString(),
    archivedAt: link.archived_at === null ? null : new Date(link.archived_at).toISOString(),
    createdAt: new Date(link.created_at).toISOString(),
    updatedAt: new Date(link.updated_at).toISOString(),
    readerUrl: `/read/${link.id}`,
  };
}
