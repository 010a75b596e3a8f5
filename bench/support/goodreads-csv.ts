/** Realistic Goodreads library exports of any size, for import benchmarks and tests. Deterministic per seed. */

export const GOODREADS_HEADER =
  "Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Average Rating,Publisher,Binding,Number of Pages,Year Published,Original Publication Year,Date Read,Date Added,Bookshelves,Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,Read Count,Owned Copies";

const FIRST = [
  "Ursula",
  "Octavia",
  "Terry",
  "Marko",
  "Susanna",
  "Ted",
  "Ann",
  "Kazuo",
  "Ngozi",
  "Liu",
  "Zoë",
  "José",
];
const LAST = [
  "Le Guin",
  "Butler",
  "Pratchett",
  "Kloos",
  "Clarke",
  "Chiang",
  "Leckie",
  "Ishiguro",
  "Adichie",
  "Cixin",
  "O'Brien",
  "Saramago",
];
const WORDS = [
  "Gravity",
  "Dispossessed",
  "Night",
  "Garden",
  "Ancillary",
  "Remains",
  "Empire",
  "Sower",
  "Sea",
  "Stars",
  "Glass",
  "Ashes",
];
const PUBLISHERS = ["47North", "Tor Books", "Penguin Classics", "Gollancz", "Orbit", "Vintage, Random House"];
const BINDINGS = ["Kindle Edition", "Paperback", "Hardcover", "Mass Market Paperback", "ebook"];
const CUSTOM = ["favourites", "sci-fi", "book-club", "owned", "re-read", "non-fiction", "loaned"];
const SENTENCES = [
  "A slow start, then I could not put it down.",
  'The narrator calls it "the House", and so did I by the end.',
  "Too long, by about a third; still, the ending lands.",
  "Read it on the train, over two weeks & three cities.",
  "Characters, ideas, pace: all three, for once.",
];

/** A small seeded PRNG (mulberry32), so generated data is the same every run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function isbnPair(body9: string): [string, string] {
  let s10 = 0;
  for (let i = 0; i < 9; i++) s10 += (10 - i) * Number(body9[i]);
  const c10 = (11 - (s10 % 11)) % 11;
  const b13 = `978${body9}`;
  let s13 = 0;
  for (let i = 0; i < 12; i++) s13 += (i % 2 === 0 ? 1 : 3) * Number(b13[i]);
  return [body9 + (c10 === 10 ? "X" : String(c10)), b13 + String((10 - (s13 % 10)) % 10)];
}

const q = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const formula = (isbn: string) => `"=""${isbn}"""`;
const day = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, "/");

/** A Goodreads export with `rows` books: every header column, formula ISBNs, `<br/>` reviews, mixed shelves. */
export function generateGoodreadsCsv(rows: number, seed = 1): string {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const lines = [GOODREADS_HEADER];
  for (let i = 0; i < rows; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const series = rnd() < 0.3 ? ` (${pick(WORDS)} Saga, #${1 + Math.floor(rnd() * 9)})` : "";
    const title = `The ${pick(WORDS)} of ${pick(WORDS)}${series}`;
    const co = rnd() < 0.15 ? `${pick(FIRST)} ${pick(LAST)}, ${pick(FIRST)} ${pick(LAST)}` : "";
    const body9 = String(Math.floor(rnd() * 1e9)).padStart(9, "0");
    const [isbn10, isbn13] = isbnPair(body9);
    const hasIsbn = rnd() < 0.85;
    const shelf = rnd() < 0.6 ? "read" : rnd() < 0.5 ? "to-read" : rnd() < 0.8 ? "currently-reading" : "dnf";
    const added = new Date(Date.UTC(2012, 0, 1) + Math.floor(rnd() * 4500) * 86_400_000);
    const read = new Date(added.getTime() + Math.floor(rnd() * 400) * 86_400_000);
    const customs = [...new Set(Array.from({ length: Math.floor(rnd() * 3) }, () => pick(CUSTOM)))];
    const shelves = shelf === "read" || shelf === "dnf" ? [...customs, shelf] : customs;
    const positions = shelves.map((s) => `${s} (#${1 + Math.floor(rnd() * 400)})`).join(", ");
    const rating = shelf === "read" ? Math.floor(rnd() * 6) : 0;
    const review =
      shelf === "read" && rnd() < 0.4
        ? Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => pick(SENTENCES)).join(
            rnd() < 0.5 ? "<br/><br/>" : "<br/>",
          )
        : "";
    const year = 1950 + Math.floor(rnd() * 75);
    lines.push(
      [
        String(1000 + Math.floor(rnd() * 60_000_000)),
        q(title),
        q(`${first} ${last}`),
        q(`${last}, ${first}`),
        q(co),
        hasIsbn ? formula(isbn10) : formula(""),
        hasIsbn ? formula(isbn13) : formula(""),
        String(rating),
        (3 + rnd() * 2).toFixed(2),
        q(pick(PUBLISHERS)),
        pick(BINDINGS),
        rnd() < 0.9 ? String(80 + Math.floor(rnd() * 900)) : "",
        String(year),
        String(year - Math.floor(rnd() * 3)),
        shelf === "read" ? day(read) : "",
        day(added),
        q(shelves.join(", ")),
        q(positions),
        shelf,
        q(review),
        "",
        rnd() < 0.05 ? q("lent to Sam, back by June") : "",
        shelf === "read" ? String(1 + (rnd() < 0.1 ? 1 : 0)) : "0",
        String(rnd() < 0.2 ? 1 : 0),
      ].join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}
