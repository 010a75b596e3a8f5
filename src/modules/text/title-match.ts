/**
 * Fuzzy matching of a typed title (`dune`, `messaih`, `cien anos`) against the user's books. It never
 * silently guesses: when close candidates remain, it returns them ranked so the caller can ask.
 */
import { foldForMatch, lookup } from "./normalize.js";

/** The least a book must carry to be matched. */
export interface BookRef {
  id: string;
  title: string;
  status: string;
}

/** One clear book, several close candidates (best first, at most `MAX_CANDIDATES`), or nothing. */
export type TitleMatch<B extends BookRef = BookRef> =
  | { kind: "one"; book: B }
  | { kind: "many"; candidates: B[] }
  | { kind: "none" };

/** Options for `matchTitle`. */
export interface MatchOptions {
  /** A status (e.g. `reading`) that settles a tie when exactly one of the tied best matches has it. */
  prefer?: string;
}

/** Most candidates returned in a `many` answer (what fits in a numbered-choice message). */
export const MAX_CANDIDATES = 5;

// Rank of a status when candidates are otherwise equal: what is being read comes first.
const STATUS_RANK: Record<string, number> = {
  reading: 0,
  paused: 1,
  wishlist: 2,
  want: 2,
  finished: 3,
  abandoned: 4,
};
// Words a query may carry that titles often omit (and the other way round).
const STOP_WORDS = new Set(["the", "a", "an", "of", "le", "la", "les", "el", "der", "die", "das"]);
const MAX_QUERY_TOKENS = 20;
const MAX_TYPO_TOKEN = 64;

/** Tier of a match: 0 the whole title, 1 every word exactly, 2 some word by prefix, 3 some by typo. */
type Tier = 0 | 1 | 2 | 3;
interface Scored<B> {
  book: B;
  tier: Tier;
  coverage: number;
  rank: number;
}

/** Damerau-Levenshtein (optimal string alignment) distance over code points, or `max + 1` once above `max`. */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  const s = Array.from(a);
  const t = Array.from(b);
  if (Math.abs(s.length - t.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[t.length]!;
}

/** Typos allowed in a word: none up to 4 characters, 1 up to 8, 2 beyond. */
function typoBudget(word: string): number {
  const n = Array.from(word).length;
  if (n <= 4 || n > MAX_TYPO_TOKEN) return 0;
  return n <= 8 ? 1 : 2;
}

/** How a query word matches a title word: 1 exact, 2 prefix, 3 typo, 0 not at all. */
function wordMatch(q: string, t: string): 0 | 1 | 2 | 3 {
  if (q === t) return 1;
  // One Latin letter is too little to go on; one CJK character is a word.
  const prefixable = Array.from(q).length >= 2 || !/^[\p{Script=Latin}\p{N}]$/u.test(q);
  if (prefixable && t.startsWith(q)) return 2;
  const budget = typoBudget(q);
  return budget > 0 && editDistance(q, t, budget) <= budget ? 3 : 0;
}

function score<B extends BookRef>(q: string[], book: B): Scored<B> | undefined {
  const t = foldForMatch(book.title).split(" ").filter(Boolean);
  if (t.length === 0) return undefined;
  const rank = lookup(STATUS_RANK, book.status) ?? 5;
  if (t.join(" ") === q.join(" ") || t.join("") === q.join("")) return { book, tier: 0, coverage: 1, rank };
  const used = new Set<number>();
  let tier: Tier = 1;
  let meaningful = 0;
  for (const word of q) {
    let best = 0;
    let at = -1;
    t.forEach((tw, i) => {
      if (used.has(i)) return;
      const m = wordMatch(word, tw);
      if (m > 0 && (best === 0 || m < best)) {
        best = m;
        at = i;
      }
    });
    if (at < 0) {
      if (STOP_WORDS.has(word)) continue;
      return undefined;
    }
    used.add(at);
    if (!STOP_WORDS.has(word)) meaningful++;
    tier = Math.max(tier, best) as Tier;
  }
  // `the` alone would otherwise match every "The …" title.
  if (meaningful === 0) return undefined;
  return { book, tier, coverage: used.size / t.length, rank };
}

const byRank = <B extends BookRef>(a: Scored<B>, b: Scored<B>) =>
  a.tier - b.tier ||
  a.rank - b.rank ||
  b.coverage - a.coverage ||
  a.book.title.length - b.book.title.length ||
  a.book.title.localeCompare(b.book.title);

/**
 * Finds the book a query means among `books` (diacritic- and case-insensitive, by words, prefixes and
 * small typos). The whole title typed exactly wins; otherwise one book is returned only when it alone has
 * the best kind of match (or `prefer` settles the tie). Only books from `books` are ever returned.
 */
export function matchTitle<B extends BookRef>(
  query: string,
  books: readonly B[],
  opts: MatchOptions = {},
): TitleMatch<B> {
  const q = foldForMatch(String(query)).split(" ").filter(Boolean).slice(0, MAX_QUERY_TOKENS);
  if (q.length === 0) return { kind: "none" };
  const scored = books.map((b) => score(q, b)).filter((s): s is Scored<B> => s !== undefined);
  if (scored.length === 0) return { kind: "none" };
  scored.sort(byRank);
  const top = scored.filter((s) => s.tier === scored[0]!.tier);
  if (top.length === 1) return { kind: "one", book: top[0]!.book };
  const preferred = opts.prefer ? top.filter((s) => s.book.status === opts.prefer) : [];
  if (preferred.length === 1) return { kind: "one", book: preferred[0]!.book };
  return { kind: "many", candidates: scored.slice(0, MAX_CANDIDATES).map((s) => s.book) };
}

/**
 * Whether two titles name the same book as a person would say it: the same words once case, accents,
 * punctuation and articles are ignored, a subtitle after a colon optional (`hobbit` = "The Hobbit",
 * `dune` = "Dune: Deluxe Edition", but `dune` ≠ "Dune Messiah").
 */
export function sameTitle(typed: string, title: string): boolean {
  const words = (s: string) =>
    foldForMatch(s)
      .split(" ")
      .filter((w) => w !== "" && !STOP_WORDS.has(w))
      .join(" ");
  const want = words(typed);
  if (want === "") return false;
  return want === words(title) || want === words(title.split(":")[0] ?? "");
}
