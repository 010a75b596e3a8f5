/**
 * The day's highlight draw, Readwise-style (ADR 0304): which highlight cards the daily review shows. Pure and
 * deterministic: the same books, cards and seed give the same draw.
 *
 * Each slot first picks a book with a chance proportional to its share — its number of highlights in
 * review, times the answers' factor of its card for a book reviewed as one card — then, in a book reviewed
 * highlight by highlight, one of its cards with a chance proportional to the card's weight. Cards are drawn
 * without replacement: a book's share shrinks by one for each of its cards drawn, and a book reviewed as one
 * card leaves the draw once drawn.
 */

/** A highlight card's weight: the answers' factor, lowered by each day it was shown. */
export function highlightWeight(card: { tune: number; shows: number }): number {
  return card.tune / (1 + card.shows);
}

/** The answers' factor: soon doubles it, later halves it, within [1/8, 8]. */
export const TUNE_MIN = 1 / 8;
export const TUNE_MAX = 8;
export function tuned(tune: number, answer: "soon" | "later"): number {
  const next = answer === "soon" ? tune * 2 : tune / 2;
  return Math.min(TUNE_MAX, Math.max(TUNE_MIN, next));
}

export interface DrawBook {
  bookId: string;
  /** Reviewed as one card showing a few highlights (`cards` has that one card). */
  asOne: boolean;
  /** How many of its highlights are in review (for a book reviewed highlight by highlight, `cards.length`). */
  highlights: number;
  cards: ReadonlyArray<{ id: string; tune: number; shows: number }>;
}

/** A 32-bit seed from a string (FNV-1a). */
export function seedOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small seeded generator of numbers in [0, 1). */
export function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Picks `i` with a chance proportional to `weights[i]` (all ≥ 0, some > 0). */
function pick(weights: readonly number[], r: number): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let x = r * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i]!;
    if (x < 0) return i;
  }
  // Rounding: the last index with a positive weight.
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
  return weights.length - 1;
}

/** Up to `count` card ids, in the order drawn. Input order does not matter (books and cards are sorted by id). */
export function drawHighlights(books: readonly DrawBook[], count: number, seed: number): string[] {
  const rand = generator(seed);
  const pool = [...books]
    .filter((b) => b.cards.length > 0 && b.highlights > 0)
    .sort((a, b) => (a.bookId < b.bookId ? -1 : a.bookId > b.bookId ? 1 : 0))
    .map((b) => ({
      asOne: b.asOne,
      share: b.asOne ? b.highlights * b.cards[0]!.tune : b.cards.length,
      cards: [...b.cards].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)),
    }));
  const out: string[] = [];
  while (out.length < count && pool.length > 0) {
    const bi = pick(
      pool.map((b) => b.share),
      rand(),
    );
    const book = pool[bi]!;
    const ci = book.asOne ? 0 : pick(book.cards.map(highlightWeight), rand());
    out.push(book.cards[ci]!.id);
    book.cards.splice(ci, 1);
    book.share = book.asOne ? 0 : book.cards.length;
    if (book.cards.length === 0 || book.share <= 0) pool.splice(bi, 1);
  }
  return out;
}

/** How many highlights a book's one card shows a day. */
export const HIGHLIGHTS_PER_BOOK_CARD = 3;

/** The highlights a book's one card shows on its `shows`-th showing: the next few, in turn. */
export function rotation(ids: readonly string[], shows: number, few = HIGHLIGHTS_PER_BOOK_CARD): string[] {
  if (ids.length <= few) return [...ids];
  const start = (shows * few) % ids.length;
  return Array.from({ length: few }, (_, i) => ids[(start + i) % ids.length]!);
}
