import type { IncomingMessage, ServerResponse } from "node:http";
import { json, LoopbackFake } from "./http-fake.js";

/** A book the fake knows, in the fields Open Library's `jscmd=data` and `search.json` answer with. */
export interface FakeBook {
  title: string;
  authors: string[];
  isbn10?: string;
  isbn13: string;
  pages?: number;
  coverId?: number;
}

/**
 * A loopback Open Library speaking its wire format for `/api/books?bibkeys=ISBN:…&format=json&jscmd=data`
 * and `/search.json?title=…`. `mode` makes it slow or broken; `requests` records what was asked.
 */
export class FakeOpenLibrary extends LoopbackFake {
  readonly books: FakeBook[] = [];
  readonly requests: string[] = [];
  mode: "ok" | "error" | { delayMs: number } = "ok";

  // Answers every path as Open Library does (unknown ones with its 404), so nothing counts as unexpected.
  protected async route(req: IncomingMessage, _path: string, _body: unknown, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://fake");
    this.requests.push(`${url.pathname}${url.search}`);
    if (typeof this.mode === "object") {
      const { delayMs } = this.mode;
      await new Promise((r) => setTimeout(r, delayMs).unref());
    }
    if (this.mode === "error") {
      res.writeHead(503, { "content-type": "text/html" }).end("<h1>Service unavailable</h1>");
      return true;
    }
    const body = this.answer(url);
    if (body === undefined) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"notfound"}');
      return true;
    }
    return json(res, 200, body);
  }

  private answer(url: URL): unknown {
    if (url.pathname === "/api/books") {
      const key = url.searchParams.get("bibkeys") ?? "";
      const isbn = key.replace(/^ISBN:/, "");
      const b = this.books.find((x) => x.isbn13 === isbn || x.isbn10 === isbn);
      if (!b) return {};
      return {
        [key]: {
          url: `https://openlibrary.org/books/OL1M/${encodeURIComponent(b.title)}`,
          key: "/books/OL1M",
          title: b.title,
          authors: b.authors.map((name, i) => ({ url: `https://openlibrary.org/authors/OL${i}A`, name })),
          ...(b.pages ? { number_of_pages: b.pages } : {}),
          identifiers: { isbn_13: [b.isbn13], ...(b.isbn10 ? { isbn_10: [b.isbn10] } : {}) },
          ...(b.coverId
            ? {
                cover: {
                  small: `https://covers.openlibrary.org/b/id/${b.coverId}-S.jpg`,
                  medium: `https://covers.openlibrary.org/b/id/${b.coverId}-M.jpg`,
                  large: `https://covers.openlibrary.org/b/id/${b.coverId}-L.jpg`,
                },
              }
            : {}),
        },
      };
    }
    if (url.pathname === "/search.json") {
      const title = (url.searchParams.get("title") ?? "").toLowerCase();
      const docs = this.books
        .filter((b) => b.title.toLowerCase().includes(title))
        .map((b) => ({
          key: "/works/OL1W",
          title: b.title,
          author_name: b.authors,
          isbn: [b.isbn13, ...(b.isbn10 ? [b.isbn10] : [])],
          ...(b.pages ? { number_of_pages_median: b.pages } : {}),
          ...(b.coverId ? { cover_i: b.coverId } : {}),
        }));
      return { numFound: docs.length, start: 0, numFoundExact: true, docs: docs.slice(0, 1) };
    }
    return undefined;
  }
}
