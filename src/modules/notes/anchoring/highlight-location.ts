import { type Static, Type } from "@sinclair/typebox";

/**
 * Where a highlight is, as the source said it: every facet the source gave is kept (a Kindle highlight has
 * a page and a location range; a web highlight a quote selector and a position), none is converted into
 * another. Quote and position follow the W3C Web Annotation TextQuoteSelector / TextPositionSelector.
 */

/** W3C TextQuoteSelector: the exact text with some context either side. */
export const TextQuoteSelector = Type.Object(
  {
    exact: Type.String({ minLength: 1, maxLength: 100_000 }),
    prefix: Type.Optional(Type.String({ maxLength: 1000 })),
    suffix: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type TextQuoteSelector = Static<typeof TextQuoteSelector>;

/** W3C TextPositionSelector: [start, end) in UTF-16 units of the document's text. */
export const TextPositionSelector = Type.Object(
  { start: Type.Integer({ minimum: 0 }), end: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);
export type TextPositionSelector = Static<typeof TextPositionSelector>;

export const HighlightLocation = Type.Object(
  {
    /** Printed page(s), as printed: `12`, `xii`. */
    page: Type.Optional(
      Type.Object(
        {
          start: Type.String({ minLength: 1, maxLength: 20 }),
          end: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Kindle location range (inclusive). */
    kindle: Type.Optional(
      Type.Object(
        { start: Type.Integer({ minimum: 0 }), end: Type.Integer({ minimum: 0 }) },
        { additionalProperties: false },
      ),
    ),
    /** Share of the book, 0–100. */
    percent: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    chapter: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    /** KOReader's positions (XPointers for reflowable books, page numbers for PDFs). */
    koreader: Type.Optional(
      Type.Object(
        {
          pos0: Type.Optional(Type.String({ maxLength: 2000 })),
          pos1: Type.Optional(Type.String({ maxLength: 2000 })),
          page: Type.Optional(Type.Integer({ minimum: 0 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** A location in another service's own terms (Readwise `Location Type` + `Location`). */
    external: Type.Optional(
      Type.Object(
        { type: Type.String({ minLength: 1, maxLength: 40 }), value: Type.Number() },
        { additionalProperties: false },
      ),
    ),
    quote: Type.Optional(TextQuoteSelector),
    position: Type.Optional(TextPositionSelector),
    /**
     * Set by re-anchoring (never by a client): the quote is no longer found in its target's current text
     * (the article was re-extracted), so the highlight points at nothing rather than at the wrong passage.
     * Its quote and position stay as they were, for a later version of the text.
     */
    orphan: Type.Optional(
      Type.Object(
        {
          reason: Type.Union([
            Type.Literal("not-found"),
            Type.Literal("ambiguous"),
            Type.Literal("too-different"),
          ]),
          at: Type.String({ minLength: 10, maxLength: 40, description: "When it was found missing" }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type HighlightLocation = Static<typeof HighlightLocation>;

/** A short label for people: `p. 12 · loc. 100–102 · 34%`. */
export function describeLocation(loc: HighlightLocation): string {
  const parts: string[] = [];
  if (loc.orphan) parts.push("no longer found in the text");
  if (loc.chapter) parts.push(loc.chapter);
  if (loc.page)
    parts.push(
      loc.page.end && loc.page.end !== loc.page.start
        ? `pp. ${loc.page.start}–${loc.page.end}`
        : `p. ${loc.page.start}`,
    );
  if (loc.kindle)
    parts.push(
      loc.kindle.end !== loc.kindle.start
        ? `loc. ${loc.kindle.start}–${loc.kindle.end}`
        : `loc. ${loc.kindle.start}`,
    );
  if (loc.percent !== undefined) parts.push(`${Math.round(loc.percent)}%`);
  if (loc.koreader?.page !== undefined && !loc.page) parts.push(`p. ${loc.koreader.page}`);
  if (loc.external && parts.length === 0) parts.push(`${loc.external.type} ${loc.external.value}`);
  return parts.join(" · ");
}

const ROMAN: Record<string, number> = { i: 1, v: 5, x: 10, l: 50, c: 100, d: 500, m: 1000 };

/** A printed page's place in reading order: front-matter roman numerals come before page 1. */
function pageOrder(page: string): number {
  if (/^\d+$/.test(page)) return Number(page);
  const r = page.toLowerCase();
  if (!/^[ivxlcdm]+$/.test(r)) return Number.NaN;
  let n = 0;
  for (let i = 0; i < r.length; i++) {
    const v = ROMAN[r[i]!]!;
    const next = ROMAN[r[i + 1] ?? ""] ?? 0;
    n += v < next ? -v : v;
  }
  return n / 10_000 - 1;
}

/** Orders two locations of the same book by what both have (Kindle location, position, page, percent). */
export function compareLocations(a: HighlightLocation, b: HighlightLocation): number {
  if (a.kindle && b.kindle) return a.kindle.start - b.kindle.start || a.kindle.end - b.kindle.end;
  if (a.position && b.position) return a.position.start - b.position.start;
  if (a.page && b.page) {
    const d = pageOrder(a.page.start) - pageOrder(b.page.start);
    if (!Number.isNaN(d) && d !== 0) return d;
  }
  if (a.percent !== undefined && b.percent !== undefined) return a.percent - b.percent;
  return 0;
}
