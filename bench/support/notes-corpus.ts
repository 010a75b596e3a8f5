// Realistic text for the notes bench, from the real files in ../shared/data: sentences of the Readability
// test pages (clean article HTML, several languages), paragraphs of the trafilatura pages (mostly German)
// and the real Kindle highlights. A seeded generator turns them into highlights and notes.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";

export const SHARED_DATA = path.resolve(new URL("../..", import.meta.url).pathname, "../shared/data");

export interface Sentence {
  text: string;
  lang: string;
}

const STOPWORDS: Record<string, string[]> = {
  en: ["the", "and", "of", "to", "is", "that", "with", "for"],
  de: ["der", "die", "und", "das", "ist", "nicht", "mit", "auf"],
  fr: ["le", "la", "les", "et", "est", "des", "une", "pour"],
  es: ["el", "los", "las", "que", "y", "una", "por", "con"],
  it: ["il", "che", "di", "della", "è", "per", "una", "non"],
  pt: ["o", "os", "que", "não", "uma", "para", "com", "do"],
  nl: ["de", "het", "een", "en", "van", "niet", "dat", "op"],
};

/** The language of a passage by its commonest words (good enough to pick a stemmer for bench data). */
export function guessLanguage(text: string): string {
  if (/[\u3040-\u30ff]/.test(text)) return "ja";
  if (/[\u4e00-\u9fff]/.test(text)) return "zh";
  const words = text.toLowerCase().split(/[^\p{L}]+/u);
  let best = "en";
  let bestScore = 0;
  for (const [lang, list] of Object.entries(STOPWORDS)) {
    const score = words.filter((w) => list.includes(w)).length;
    if (score > bestScore) {
      best = lang;
      bestScore = score;
    }
  }
  return best;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };
function htmlText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, e: string) =>
      e[0] === "#"
        ? String.fromCodePoint(Number(e[1] === "x" ? `0${e.slice(1)}` : e.slice(1)) || 32)
        : (ENTITIES[e] ?? m),
    )
    .replace(/\s+/g, " ")
    .trim();
}

function sentencesOf(text: string, lang: string, out: Sentence[], seen: Set<string>) {
  for (const s of text.split(/(?<=[.!?。！？])\s+/)) {
    const t = s.trim();
    if (t.length < 30 || t.length > 400 || seen.has(t) || !/\p{L}{3}/u.test(t)) continue;
    seen.add(t);
    out.push({ text: t, lang });
  }
}

/** Every usable sentence of the shared data (throws when ../shared/data is absent). */
export function loadSentences(): Sentence[] {
  if (!existsSync(SHARED_DATA))
    throw new Error(`${SHARED_DATA} is absent: the notes bench needs the real data files`);
  const out: Sentence[] = [];
  const seen = new Set<string>();
  const rdir = path.join(SHARED_DATA, "extraction/readability");
  for (const c of readdirSync(rdir)) {
    const file = path.join(rdir, c, "expected.html.gz");
    if (!existsSync(file)) continue;
    let lang: string | undefined;
    try {
      lang =
        JSON.parse(gunzipSync(readFileSync(path.join(rdir, c, "expected-metadata.json.gz"))).toString())
          .lang ?? undefined;
    } catch {}
    for (const p of gunzipSync(readFileSync(file)).toString().split(/<\/p>/i)) {
      const text = htmlText(p);
      sentencesOf(text, (lang ?? guessLanguage(text)).slice(0, 2).toLowerCase(), out, seen);
    }
  }
  const tdir = path.join(SHARED_DATA, "extraction/trafilatura/html");
  for (const f of readdirSync(tdir).slice(0, 400)) {
    const html = gunzipSync(readFileSync(path.join(tdir, f))).toString();
    for (const m of html.matchAll(/<p[^>]*>([\s\S]*?)<\/p>/gi)) {
      const text = htmlText(m[1]!);
      if (text.length > 60) sentencesOf(text, guessLanguage(text), out, seen);
    }
  }
  for (const f of readdirSync(path.join(SHARED_DATA, "imports/kindle")).filter((f) => f.endsWith(".txt"))) {
    const raw = readFileSync(path.join(SHARED_DATA, "imports/kindle", f), "utf8");
    for (const entry of raw.split(/^==========\r?$/m)) {
      const lines = entry.trim().split(/\r?\n/);
      const text = lines.slice(3).join(" ").trim();
      if (text.length >= 30) sentencesOf(text, guessLanguage(text), out, seen);
    }
  }
  return out;
}

export { mulberry32 as rng } from "./goodreads-csv.js";

export const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
