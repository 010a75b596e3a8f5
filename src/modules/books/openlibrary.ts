import { FetchError, type Fetcher } from "../../platform/fetch/fetcher.js";
import { SafeFetcher } from "../../platform/fetch/safe-fetcher.js";
import type { BookMetadata, MetadataLookup } from "./metadata.js";

interface DataEntry {
  title?: string;
  authors?: { name?: string }[];
  number_of_pages?: number;
  cover?: { large?: string; medium?: string };
  identifiers?: { isbn_10?: string[]; isbn_13?: string[] };
}

interface SearchDoc {
  title?: string;
  author_name?: string[];
  isbn?: string[];
  number_of_pages_median?: number;
  cover_i?: number;
}

const COVERS = "https://covers.openlibrary.org/b/id";

/**
 * A Fetcher for a service the operator configured: its own host (and port) is allow-listed, since
 * the operator chose it (a local mirror or a test fake may be on a private address); every other
 * check (redirects elsewhere, sizes, time) still applies.
 */
export function serviceFetcher(baseUrl: string): Fetcher {
  const url = new URL(baseUrl);
  return new SafeFetcher({
    allowHosts: [url.port ? `${url.hostname}:${url.port}` : url.hostname],
    maxBytes: 2_000_000,
  });
}

/**
 * Open Library adapter: `/api/books?bibkeys=ISBN:…&jscmd=data` by ISBN, `/search.json?title=…` by title.
 * Every call goes through the Fetcher and is bounded by `timeoutMs`.
 */
export class OpenLibraryLookup implements MetadataLookup {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
    private readonly fetcher: Fetcher = serviceFetcher(baseUrl),
  ) {}

  async find(query: { isbn13?: string; title?: string }): Promise<BookMetadata | undefined> {
    if (query.isbn13) {
      const found = await this.byIsbn(query.isbn13);
      if (found || !query.title) return found;
    }
    return query.title ? this.byTitle(query.title) : undefined;
  }

  private async get(path: string, params: Record<string, string>): Promise<unknown> {
    const url = new URL(path, this.baseUrl.endsWith("/") ? this.baseUrl : `${this.baseUrl}/`);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    try {
      const res = await this.fetcher.fetch(url, { timeoutMs: this.timeoutMs, accept: ["application/json"] });
      return JSON.parse(res.body.toString("utf8"));
    } catch (err) {
      const why = err instanceof FetchError ? err.message : `an unreadable answer (${String(err)})`;
      throw new Error(`Open Library: ${why} for ${url.pathname}`, { cause: err });
    }
  }

  private async byIsbn(isbn13: string): Promise<BookMetadata | undefined> {
    const key = `ISBN:${isbn13}`;
    const body = (await this.get("api/books", { bibkeys: key, format: "json", jscmd: "data" })) as Record<
      string,
      DataEntry
    >;
    const e = body?.[key];
    if (!e) return undefined;
    return clean({
      title: e.title,
      authors: e.authors?.map((a) => a.name ?? "").filter(Boolean),
      isbn10: e.identifiers?.isbn_10?.[0],
      isbn13: e.identifiers?.isbn_13?.[0] ?? isbn13,
      totalPages: e.number_of_pages,
      coverUrl: e.cover?.large ?? e.cover?.medium,
    });
  }

  private async byTitle(title: string): Promise<BookMetadata | undefined> {
    const body = (await this.get("search.json", {
      title,
      limit: "1",
      fields: "title,author_name,isbn,number_of_pages_median,cover_i",
    })) as { docs?: SearchDoc[] };
    const d = body?.docs?.[0];
    if (!d) return undefined;
    return clean({
      title: d.title,
      authors: d.author_name,
      isbn13: d.isbn?.find((i) => i.length === 13),
      isbn10: d.isbn?.find((i) => i.length === 10),
      totalPages: d.number_of_pages_median,
      coverUrl: d.cover_i ? `${COVERS}/${d.cover_i}-L.jpg` : undefined,
    });
  }
}

// Keeps only well-formed values: a service's odd data must never break book creation.
function clean(m: Omit<BookMetadata, "source">): BookMetadata {
  const out: BookMetadata = { source: "openlibrary" };
  if (typeof m.title === "string" && m.title.trim()) out.title = m.title.trim().slice(0, 500);
  const authors = (Array.isArray(m.authors) ? m.authors : []).filter(
    (a): a is string => typeof a === "string" && a.trim() !== "",
  );
  if (authors.length > 0) out.authors = authors.slice(0, 20).map((a) => a.trim().slice(0, 200));
  if (typeof m.isbn10 === "string") out.isbn10 = m.isbn10;
  if (typeof m.isbn13 === "string") out.isbn13 = m.isbn13;
  if (Number.isInteger(m.totalPages) && (m.totalPages as number) > 0 && (m.totalPages as number) < 100_000)
    out.totalPages = m.totalPages as number;
  if (typeof m.coverUrl === "string" && /^https?:\/\//.test(m.coverUrl)) out.coverUrl = m.coverUrl;
  return out;
}
