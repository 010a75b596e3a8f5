import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { addBook, move, progress } from "../../../test/support/books.js";
import { ENGINES } from "../../../test/support/engines.js";

type Row = Record<string, unknown>;
type Doc = Record<string, unknown> & Record<"books" | "readings" | "progressEntries", Row[]>;

/**
 * Issue 11, item 2: the restore path stored what the API itself refuses, and five documents answered 500.
 * Every imported row must pass the API's rules, each refusal naming the row and field, and nothing is
 * written when any row fails.
 */
describe.each(ENGINES)("restoring an export checks every row as the API would (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  let target: Client;
  let base: Doc;

  const restore = (doc: object) => target.request({ method: "POST", url: "/api/import", payload: doc });
  const ok = async <R extends { statusCode: number; body: string }>(p: Promise<R>): Promise<R> => {
    const r = await p;
    expect(r.statusCode, r.body).toBeLessThan(300);
    return r;
  };
  /** A copy of the base document with `change` applied. */
  const variant = (change: (d: Doc) => void): Doc => {
    const d = structuredClone(base);
    change(d);
    return d;
  };

  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine));
    t.clock.set(new Date("2026-03-15T10:00:00Z"));
    const alice = await newUser(t, { admin });
    const dune = await addBook(alice, { title: "Dune", totalPages: 412 });
    await ok(move(alice, dune.id, "reading", "2026-03-01"));
    await ok(progress(alice, dune.id, { page: 40, date: "2026-03-02" }));
    await ok(progress(alice, dune.id, { page: 120 }));
    await ok(progress(alice, dune.id, { page: 100, correction: true }));
    await ok(move(alice, dune.id, "finished"));
    const emma = await addBook(alice, { title: "Emma", totalPages: 474, status: "reading" });
    await ok(progress(alice, emma.id, { page: 10 }));
    await ok(alice.request({ method: "PUT", url: "/api/goals/2026", payload: { books: 12 } }));
    await ok(
      alice.request({ method: "POST", url: "/api/text", payload: { text: "save https://example.com/a" } }),
    );
    const csv =
      "Book Id,Title,Author,ISBN,ISBN13,My Rating,Exclusive Shelf\n1,Kindred,Octavia E. Butler,,,0,to-read\n2,Beloved,Toni Morrison,,,0,to-read\n";
    await ok(
      alice.request({
        method: "POST",
        url: "/api/imports/goodreads",
        headers: { "content-type": "text/csv" },
        payload: csv,
      }),
    );
    t.clock.set(new Date("2026-03-17T10:00:00Z"));
    await ok(
      alice.request({ method: "PUT", url: "/api/reviews/settings", payload: { desiredRetention: 0.85 } }),
    );
    await t.settle(); // the review card comes from the reading.finished event
    const [card] = (await alice.request({ method: "GET", url: "/api/reviews/due" })).json().items;
    await ok(alice.request({ method: "POST", url: `/api/reviews/${card.id}/grade`, payload: { grade: 3 } }));
    const club = (
      await ok(alice.request({ method: "POST", url: "/api/clubs", payload: { name: "Readers" } }))
    ).json();
    const say = async (payload: object) =>
      (await ok(alice.request({ method: "POST", url: `/api/clubs/${club.id}/messages`, payload }))).json();
    const hello = await say({ body: "Hello" });
    await say({ body: "Me again", replyToId: hello.id });
    base = (await alice.request({ method: "GET", url: "/api/export" })).json();
    target = await newUser(t, { admin });
  });
  afterAll(() => t.close());

  const dune = () => base.books.findIndex((b) => b.title === "Dune");
  const emma = () => base.books.findIndex((b) => b.title === "Emma");

  const cases: [string, (d: Doc) => void, string, string?][] = [
    [
      "a javascript: cover URL (stored XSS)",
      (d) => {
        d.books[0]!.coverUrl = "javascript:alert(document.cookie)";
      },
      "/body/books/0/coverUrl",
    ],
    [
      "a 2,000-character title",
      (d) => {
        d.books[0]!.title = "x".repeat(2000);
      },
      "/body/books/0/title",
      "maxLength",
    ],
    [
      "a blank title",
      (d) => {
        d.books[0]!.title = "   ";
      },
      "/body/books/0/title",
      "pattern",
    ],
    [
      "100 authors",
      (d) => {
        d.books[0]!.authors = Array.from({ length: 100 }, (_, i) => `A${i}`);
      },
      "/body/books/0/authors",
      "maxItems",
    ],
    [
      "totalPages 9007199254740991",
      (d) => {
        d.books[0]!.totalPages = 9007199254740991;
      },
      "/body/books/0/totalPages",
      "maximum",
    ],
    [
      "an ISBN with a wrong check digit",
      (d) => {
        d.books[0]!.isbn13 = "9780441172710";
      },
      "/body/books/0/isbn13",
      "isbn",
    ],
    [
      "a page beyond the book's total",
      (d) => {
        const e = d.progressEntries.find((x) => x.bookId === d.books[emma()]!.id)!;
        e.page = 999;
      },
      "/body/progressEntries/",
      "maximum",
    ],
    [
      "an impossible day (2026-02-30)",
      (d) => {
        d.readings[0]!.startedOn = "2026-02-30";
      },
      "/body/readings/0/startedOn",
      "format",
    ],
    [
      "an impossible day (9999-99-99)",
      (d) => {
        d.progressEntries[0]!.localDate = "9999-99-99";
      },
      "/body/progressEntries/0/localDate",
      "format",
    ],
    [
      "a day in the future",
      (d) => {
        d.readings[0]!.startedOn = "2027-01-01";
      },
      "/body/readings/0/startedOn",
      "not-future",
    ],
    [
      "a non-instant for an instant",
      (d) => {
        d.books[0]!.createdAt = "yesterday";
      },
      "/body/books/0/createdAt",
      "format",
    ],
    [
      "a leap second",
      (d) => {
        d.books[0]!.updatedAt = "2030-12-31T23:59:60Z";
      },
      "/body/books/0/updatedAt",
      "format",
    ],
    [
      "an entry whose book is not its read-through's",
      (d) => {
        d.progressEntries[0]!.bookId = d.books.find((b) => b.id !== d.progressEntries[0]!.bookId)!.id;
      },
      "/body/progressEntries/0/bookId",
      "reading-book",
    ],
    [
      "a correction cycle",
      (d) => {
        const [a, b] = d.progressEntries.filter((e) => e.bookId === d.books[dune()]!.id);
        a!.supersedes = b!.id;
        b!.supersedes = a!.id;
      },
      "/body/progressEntries/",
      "earlier-entry",
    ],
    [
      "an entry dated before its read-through started",
      (d) => {
        d.progressEntries[0]!.localDate = "2026-01-01";
      },
      "/body/progressEntries/0/localDate",
      "after-start",
    ],
    [
      "a book on another shelf than its current read-through",
      (d) => {
        d.books[dune()]!.status = "wishlist";
      },
      `/body/books/`,
      "current-status",
    ],
    [
      'a review card with lastReview "garbage"',
      (d) => {
        (d.reviewCards as Row[])[0]!.lastReview = "garbage";
      },
      "/body/reviewCards/0/lastReview",
      "format",
    ],
    [
      "two reviewSettings rows (was 500)",
      (d) => {
        d.reviewSettings = [...(d.reviewSettings as Row[]), ...(d.reviewSettings as Row[])];
      },
      "/body/reviewSettings/1",
      "max-rows",
    ],
    [
      "duplicate importKeys (was 500)",
      (d) => {
        d.importKeys = [...(d.importKeys as Row[]), (d.importKeys as Row[])[0]!];
      },
      "/body/importKeys/2",
      "unique",
    ],
    [
      "an entry with neither page nor percent (was 500)",
      (d) => {
        d.progressEntries[0]!.page = null;
        d.progressEntries[0]!.percent = null;
      },
      "/body/progressEntries/0/page",
      "required",
    ],
    [
      "two cards for one book (was 500)",
      (d) => {
        const [c] = d.reviewCards as Row[];
        d.reviewCards = [c, { ...c, id: "01900000-0000-7000-8000-00000000c0de" }];
      },
      "/body/reviewCards/1",
      "unique",
    ],
    [
      "two review logs with one idempotency key (was 500)",
      (d) => {
        const [l] = d.reviewLogs as Row[];
        d.reviewLogs = [l, { ...l, id: "01900000-0000-7000-8000-00000000beef" }];
      },
      "/body/reviewLogs/1",
      "unique",
    ],
    [
      "a saved link that is not http(s)",
      (d) => {
        (d.links as Row[])[0]!.url = "javascript:alert(1)";
      },
      "/body/links/0/url",
      "http-url",
    ],
    [
      "a note or highlight card (they do not exist yet)",
      (d) => {
        (d.reviewCards as Row[])[0]!.kind = "note";
      },
      "/body/reviewCards/0/kind",
    ],
    [
      "a club name with spaces around it (the API trims it)",
      (d) => {
        (d.clubs as Row[])[0]!.name = " Readers ";
      },
      "/body/clubs/0/name",
      "trimmed",
    ],
    [
      "a club's schedule without its book",
      (d) => {
        (d.clubs as Row[])[0]!.pagesPerWeek = 30;
      },
      "/body/clubs/0/bookTitle",
      "reading",
    ],
    [
      "a club without its owner's membership",
      (d) => {
        d.clubMemberships = [];
      },
      "/body/clubs/0/id",
      "owner-membership",
    ],
    [
      "a second membership of one club",
      (d) => {
        const [m] = d.clubMemberships as Row[];
        d.clubMemberships = [m, m];
      },
      "/body/clubMemberships/1/clubId",
      "unique",
    ],
    [
      "a membership's copy of the book that is no book of the document (someone else's)",
      (d) => {
        (d.clubMemberships as Row[])[0]!.bookId = "01900000-0000-7000-8000-0000000b00c5";
      },
      "/body/clubMemberships/0/bookId",
      "reference",
    ],
    [
      "a chat delivery to no channel",
      (d) => {
        (d.clubMemberships as Row[])[0]!.deliverChat = "sms";
      },
      "/body/clubMemberships/0/deliverChat",
    ],
    [
      "a message of a club the document does not hold (joining someone else's club)",
      (d) => {
        (d.clubMessages as Row[])[0]!.clubId = "01900000-0000-7000-8000-00000000c1b0";
      },
      "/body/clubMessages/0/clubId",
      "reference",
    ],
    [
      "a message over 2,000 characters",
      (d) => {
        (d.clubMessages as Row[])[0]!.body = "x".repeat(2001);
      },
      "/body/clubMessages/0/body",
      "maxLength",
    ],
    [
      "a reply to a later message",
      (d) => {
        const [a, b] = d.clubMessages as Row[];
        a!.replyToId = b!.id;
        b!.replyToId = null;
      },
      "/body/clubMessages/0/replyToId",
      "earlier-message",
    ],
    [
      "a message written before its club",
      (d) => {
        (d.clubMessages as Row[])[0]!.createdAt = "2020-01-01T00:00:00.000Z";
      },
      "/body/clubMessages/0/createdAt",
      "after-club",
    ],
    [
      "a blank account name",
      (d) => {
        (d.user as Row).name = "";
      },
      "/body/user/name",
      "minLength",
    ],
  ];

  it.each(cases)("refuses %s with 400 naming the row and field", async (_what, change, field, rule) => {
    const r = await restore(variant(change));
    expect(r.statusCode, r.body).toBe(400);
    expect(r.headers["content-type"]).toContain("application/problem+json");
    const errors = r.json().errors as { field: string; rule: string }[];
    const hit = errors.find((e) => e.field.startsWith(field) && (!rule || e.rule === rule));
    expect(hit, JSON.stringify(errors)).toBeDefined();
  });

  it("lists at most 20 problems and counts the rest, and has written nothing after all the refusals", async () => {
    // Every row is well-formed on its own (so the schema passes) and wrong as a whole: 60 bad ISBNs.
    const d = variant((x) => {
      for (let i = 0; i < 60; i++)
        x.books.push({ ...x.books[dune()]!, id: `bad-${i}`, isbn13: "9780441172710" });
    });
    const r = await restore(d);
    expect(r.statusCode).toBe(400);
    const body = r.json();
    expect(body.errors).toHaveLength(20);
    expect(body.errorsOmitted).toBeGreaterThan(0);
    const empty = (await target.request({ method: "GET", url: "/api/export" })).json();
    for (const table of t.services.exporter.tables()) expect(empty[table.key], table.key).toEqual([]);
    // The genuine document still restores, and reads of what it restored answer.
    expect((await restore(base)).statusCode).toBe(201);
    for (const url of [
      "/api/books",
      "/api/reviews/due",
      "/api/stats",
      "/api/reviews/stats",
      "/api/days/2026-03-02",
      "/api/clubs",
    ])
      expect((await target.request({ method: "GET", url })).statusCode, url).toBe(200);
  });
});
