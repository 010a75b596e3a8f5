/** Answers of the API the component tests share. */

/** A saved link as GET /api/links lists it. */
export function link(over: Record<string, unknown> = {}) {
  return {
    id: "l1",
    url: "https://example.com/essay",
    canonicalUrl: "https://example.com/essay",
    site: "example.com",
    status: "ready",
    error: null,
    title: "On Keeping Things",
    byline: "A. Writer",
    siteName: "Example Essays",
    publishedTime: null,
    lang: "en",
    dir: null,
    excerpt: null,
    leadImage: null,
    contentType: "text/html",
    wordCount: 2000,
    readingMinutes: 10,
    minutesLeft: 10,
    images: { archived: 0, bytes: 0, skipped: 0 },
    tags: ["essays"],
    comment: null,
    source: "web",
    favourite: false,
    progress: 0,
    readAt: null,
    archivedAt: null,
    createdAt: "2026-11-01T10:00:00Z",
    updatedAt: "2026-11-01T10:00:00Z",
    readerUrl: "/read/l1",
    ...over,
  };
}
