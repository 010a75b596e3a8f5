import type { SearchDocument } from "./search-index.js";
import { analyseField, cjkCharacters, foldText } from "./text-analysis.js";

/** A document's analysed terms: what both adapters index. */
export interface DocumentTerms {
  title: string[];
  body: string[];
  /** Stem of each title then body token (undefined where there is none), position for position. */
  stems: Array<string | undefined>;
  /** Lone characters of no-space scripts (so one-character queries find them). */
  chars: string[];
  /** Tags as compared by the tag filter (folded). */
  tags: string[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Throws (a programming error: documents come from the app, not from users) when a document is malformed. */
export function checkDocument(doc: SearchDocument): void {
  const bad = (what: string) => {
    throw new TypeError(`search document ${doc.kind}/${doc.id}: ${what}`);
  };
  if (typeof doc.kind !== "string" || doc.kind.length < 1 || doc.kind.length > 64)
    bad("kind must be 1–64 characters");
  if (typeof doc.id !== "string" || doc.id === "" || doc.id.length > 200) bad("id must be 1–200 characters");
  if (typeof doc.ownerId !== "string" || doc.ownerId === "" || doc.ownerId.length > 200)
    bad("ownerId is required");
  if (typeof doc.body !== "string") bad("body must be a string");
  if ((doc.kind + doc.id + doc.ownerId + (doc.bookId ?? "")).includes("\u0000"))
    bad("ids may not contain NUL");
  const date = doc.date;
  if (date != null && !(DAY.test(date) || (INSTANT.test(date) && !Number.isNaN(Date.parse(date))))) {
    bad(`date ${JSON.stringify(date)} is neither YYYY-MM-DD nor an RFC 3339 instant`);
  }
  if (doc.language != null && !/^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*$/.test(doc.language)) {
    bad(`language ${JSON.stringify(doc.language)} is not a BCP 47 tag`);
  }
}

/** The date as stored and compared: days as they are, instants normalised to UTC `…Z`. */
export function storedDate(date: string | null | undefined): string | null {
  if (date == null) return null;
  return DAY.test(date) ? date : new Date(date).toISOString();
}

/** Analyses one document. */
export function documentTerms(doc: SearchDocument): DocumentTerms {
  const language = doc.language ?? undefined;
  const title = analyseField(storedText(doc.title ?? ""), language);
  const body = analyseField(storedText(doc.body), language);
  return {
    title: title.terms,
    body: body.terms,
    stems: title.stems.length === 0 ? body.stems : [...title.stems, ...body.stems],
    chars: title.cjk.length + body.cjk.length === 0 ? [] : cjkCharacters([...title.cjk, ...body.cjk]),
    tags: [...new Set((doc.tags ?? []).map((t) => foldText(storedText(t))).filter((t) => t !== ""))],
  };
}

/** One document or several, as a list. */
export function documentList(docs: SearchDocument | readonly SearchDocument[]): readonly SearchDocument[] {
  return "kind" in docs ? [docs] : docs;
}

/** Text as stored: NUL characters (which PostgreSQL text cannot hold) removed, the same on both engines. */
export const storedText = (s: string) => (s.includes("\u0000") ? s.replaceAll("\u0000", "") : s);

/** The batches of a rebuild, each document checked (and refused when it belongs to another owner than the scope's). */
export async function* checkedBatches(
  source: AsyncIterable<readonly SearchDocument[]>,
  scope: { ownerId: string } | undefined,
): AsyncGenerator<readonly SearchDocument[]> {
  for await (const batch of source) {
    for (const d of batch) {
      checkDocument(d);
      if (scope && d.ownerId !== scope.ownerId) {
        throw new TypeError(`rebuild for owner ${scope.ownerId} was given a document of another owner`);
      }
    }
    yield batch;
  }
}
