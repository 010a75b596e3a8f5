import { stemmer as danish } from "@orama/stemmers/danish";
import { stemmer as dutch } from "@orama/stemmers/dutch";
import { stemmer as english } from "@orama/stemmers/english";
import { stemmer as finnish } from "@orama/stemmers/finnish";
import { stemmer as french } from "@orama/stemmers/french";
import { stemmer as german } from "@orama/stemmers/german";
import { stemmer as italian } from "@orama/stemmers/italian";
import { stemmer as norwegian } from "@orama/stemmers/norwegian";
import { stemmer as portuguese } from "@orama/stemmers/portuguese";
import { stemmer as russian } from "@orama/stemmers/russian";
import { stemmer as spanish } from "@orama/stemmers/spanish";
import { stemmer as swedish } from "@orama/stemmers/swedish";

/** A Snowball stemmer and the two-letter code its stems are tagged with in the index. */
export interface Stemmer {
  code: string;
  stem(lowerCaseWord: string): string;
}

// Snowball stemmers (ports in @orama/stemmers) by ISO 639-1 code. Norwegian Bokmål and Nynorsk share one.
const BY_CODE: Record<string, (w: string) => string> = {
  da: danish,
  de: german,
  en: english,
  es: spanish,
  fi: finnish,
  fr: french,
  it: italian,
  nl: dutch,
  no: norwegian,
  pt: portuguese,
  ru: russian,
  sv: swedish,
};
const ALIASES: Record<string, string> = { nb: "no", nn: "no" };

const cache = new Map<string, Stemmer | null>();
const byCode = new Map<string, Stemmer>();

/** Words remembered per language before the memo starts over (a few MB at most). */
const MEMO_WORDS = 50_000;

/**
 * A stemmer that remembers its answers: words repeat (Zipf), and a Snowball stemmer costs microseconds a
 * word, which made it the largest part of indexing's JS time (an import of 10,000 highlights stems ~600,000
 * words, ~25,000 of them distinct).
 */
function memoized(code: string, fn: (w: string) => string): Stemmer {
  let memo = new Map<string, string>();
  return {
    code,
    stem(word) {
      let out = memo.get(word);
      if (out === undefined) {
        out = fn(word);
        if (memo.size >= MEMO_WORDS) memo = new Map();
        memo.set(word, out);
      }
      return out;
    },
  };
}

/** The languages documents are stemmed in (a query is stemmed in each unless told otherwise). */
export const STEMMED_LANGUAGES: readonly string[] = Object.keys(BY_CODE);

/** The stemmer for a BCP 47 tag (`en`, `en-GB`, `pt-BR`); undefined when the language has none here. */
export function stemmerFor(language: string | undefined): Stemmer | undefined {
  if (!language) return undefined;
  let hit = cache.get(language);
  if (hit === undefined) {
    const primary = language.toLowerCase().split(/[-_]/)[0] ?? "";
    const code = ALIASES[primary] ?? primary;
    const fn = Object.hasOwn(BY_CODE, code) ? BY_CODE[code] : undefined;
    if (fn && !byCode.has(code)) byCode.set(code, memoized(code, fn));
    hit = fn ? byCode.get(code)! : null;
    if (cache.size < 1000) cache.set(language, hit);
  }
  return hit ?? undefined;
}
