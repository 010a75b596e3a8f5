/**
 * The day's highlight draw, Readwise-style (ADR 0304): which highlight cards the daily review shows. Pure and
 * deterministic: the same books, cards and seed give the same draw.
 *
 * Each slot first picks a book with a chance proportional to its share — its number of highlights in
 * review, times the answers' factor of its card for a book reviewed as one card — then, in a book reviewed
 * highlight by highlight, one of its cards with a chance proportional to the card's weight. Cards are drawn
 * without replacement: a book's share shrinks by one for each of its cards drawn, and a book reviewed as one
 * card leaves the draw once drawn. As the shares depend only on counts, the books of all slots are drawn
 * first (one generator), then each book's cards (a generator of its own): only the cards of the books
 * drawn need reading.
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

/** A book in the first stage of the draw: its share, and whether it is reviewed as one card. */
export interface DrawShare {
  bookId: string;
  asOne: boolean;
  /** Highlight by highlight: its number of cards in review; as one card: its highlights × the card's tune. */
  share: number;
  /** Highlight by highlight: how many cards it has (at most this many slots). */
  cards: number;
}

const compare = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

/**
 * The first stage: which book each of up to `count` slots goes to. Depends only on the shares, so the cards
 * of only the books drawn need reading. A book reviewed highlight by highlight loses one of its share per slot.
 */
export function drawBookSlots(books: readonly DrawShare[], count: number, seed: number): string[] {
  const rand = generator(seed);
  const pool = books
    .filter((b) => b.share > 0 && b.cards > 0)
    .sort((a, b) => compare(a.bookId, b.bookId))
    .map((b) => ({ ...b }));
  const out: string[] = [];
  while (out.length < count && pool.length > 0) {
    const bi = pick(
      pool.map((b) => b.share),
      rand(),
    );
    const book = pool[bi]!;
    out.push(book.bookId);
    book.cards -= 1;
    book.share = book.asOne ? 0 : book.cards;
    if (book.cards <= 0 || book.share <= 0) pool.splice(bi, 1);
  }
  return out;
}

/** The second stage: `n` of a book's cards, each with a chance proportional to its weight, without replacement. */
export function drawCards(
  cards: ReadonlyArray<{ id: string; tune: number; shows: number }>,
  n: number,
  seed: number,
): string[] {
  const rand = generator(seed);
  const left = [...cards].sort((a, b) => compare(a.id, b.id));
  const out: string[] = [];
  while (out.length < n && left.length > 0) {
    const ci = pick(left.map(highlightWeight), rand());
    out.push(left[ci]!.id);
    left.splice(ci, 1);
  }
  return out;
}

/** The seed of a book's second stage. */
export const bookSeed = (seed: number, bookId: string) => seedOf(`${seed}:${bookId}`);

/** The share a book has in the first stage (see DrawShare). */
export function shareOf(b: DrawBook): DrawShare {
  return b.asOne
    ? {
        bookId: b.bookId,
        asOne: true,
        share: b.highlights * (b.cards[0]?.tune ?? 0),
        cards: b.cards.length ? 1 : 0,
      }
    : { bookId: b.bookId, asOne: false, share: b.cards.length, cards: b.cards.length };
}

/**
 * Up to `count` card ids, in the order drawn: the books of the slots (first stage), then in each book as many
 * of its cards as it got slots (second stage), in slot order. Input order does not matter.
 */
export function drawHighlights(books: readonly DrawBook[], count: number, seed: number): string[] {
  const slots = drawBookSlots(books.filter((b) => b.highlights > 0).map(shareOf), count, seed);
  return placeCards(slots, (bookId, n) => {
    const b = books.find((x) => x.bookId === bookId)!;
    return b.asOne ? b.cards.slice(0, 1).map((c) => c.id) : drawCards(b.cards, n, bookSeed(seed, bookId));
  });
}

/** Fills the slots with each book's drawn cards, in slot order. */
export function placeCards(
  slots: readonly string[],
  cardsOf: (bookId: string, n: number) => string[],
): string[] {
  const per = new Map<string, number>();
  for (const b of slots) per.set(b, (per.get(b) ?? 0) + 1);
  const drawn = new Map([...per].map(([b, n]) => [b, cardsOf(b, n)]));
  const used = new Map<string, number>();
  return slots.flatMap((b) => {
    const i = used.get(b) ?? 0;
    used.set(b, i + 1);
    const id = drawn.get(b)?.[i];
    return id ? [id] : [];
  });
}

/** How many highlights a book's one card shows a day. */
export const HIGHLIGHTS_PER_BOOK_CARD = 3;

/** The highlights a book's one card shows on its `shows`-th showing: the next few, in turn. */
export function rotation(ids: readonly string[], shows: number, few = HIGHLIGHTS_PER_BOOK_CARD): string[] {
  if (ids.length <= few) return [...ids];
  const start = (shows * few) % ids.length;
  return Array.from({ length: few }, (_, i) => ids[(start + i) % ids.length]!);
}
