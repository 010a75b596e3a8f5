import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

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
export class FakeOpenLibrary {
  readonly books: FakeBook[] = [];
  readonly requests: string[] = [];
  mode: "ok" | "error" | { delayMs: number } = "ok";
  private server: Server | undefined;
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://fake");
      this.requests.push(`${url.pathname}${url.search}`);
      const send = () => {
        if (this.mode === "error") {
          res.writeHead(503, { "content-type": "text/html" }).end("<h1>Service unavailable</h1>");
          return;
        }
        const body = this.answer(url);
        if (body === undefined) {
          res.writeHead(404, { "content-type": "application/json" }).end('{"error":"notfound"}');
          return;
        }
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
      };
      if (typeof this.mode === "object") setTimeout(send, this.mode.delayMs).unref();
      else send();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
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
