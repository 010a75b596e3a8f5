import type { SearchDocument } from "../../platform/search/search-index.js";
import { foldText } from "../../platform/search/text-analysis.js";
import { describeLocation, type HighlightLocation } from "./anchoring/highlight-location.js";
import { markdownToText } from "./markdown/markdown-text.js";
import type { HighlightRow, NoteRow } from "./notes.repo.js";
import type { HistoryEntry } from "./notes.schemas.js";

/** Tags as stored: trimmed, inner spaces collapsed, lower case (NFC), each once, in the order given. */
export function cleanTags(tags: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const t of tags ?? []) {
    const tag = t.normalize("NFC").trim().replace(/\s+/g, " ").toLowerCase();
    if (tag && !out.includes(tag)) out.push(tag);
  }
  return out;
}

/** What a wikilink target or a title is compared as: folded (case, diacritics, spaces). */
export function titleKey(title: string): string {
  return foldText(title.normalize("NFC"));
}

const parse = <T>(json: string | null, fallback: T): T => (json ? (JSON.parse(json) as T) : fallback);

export function noteView(r: NoteRow) {
  const location = parse<HighlightLocation | null>(r.location, null);
  return {
    id: r.id,
    ownerId: r.owner_id,
    bookId: r.book_id,
    target: r.target_type && r.target_id ? { type: r.target_type, id: r.target_id } : null,
    location,
    locationLabel: location ? describeLocation(location) || null : null,
    title: r.title,
    body: r.body,
    tags: parse<string[]>(r.tags, []),
    language: r.language,
    source: r.source,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function highlightView(r: HighlightRow) {
  const location = parse<HighlightLocation>(r.location, {});
  return {
    id: r.id,
    ownerId: r.owner_id,
    bookId: r.book_id,
    target: r.target_type && r.target_id ? { type: r.target_type, id: r.target_id } : null,
    text: r.text,
    note: r.note,
    color: r.color,
    tags: parse<string[]>(r.tags, []),
    location,
    locationLabel: describeLocation(location) || null,
    language: r.language,
    source: r.source,
    history: parse<HistoryEntry[]>(r.history, []),
    highlightedAt: r.highlighted_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** A note as the search index holds it: its words without Markdown syntax. */
export function noteDocument(r: NoteRow): SearchDocument {
  return {
    kind: "note",
    id: r.id,
    ownerId: r.owner_id,
    title: r.title,
    body: markdownToText(r.body),
    tags: parse<string[]>(r.tags, []),
    bookId: r.book_id,
    date: r.updated_at,
    language: r.language,
  };
}

/** A highlight as the search index holds it: the quote, then its note. */
export function highlightDocument(r: HighlightRow): SearchDocument {
  return {
    kind: "highlight",
    id: r.id,
    ownerId: r.owner_id,
    title: null,
    body: r.note ? `${r.text}\n${r.note}` : r.text,
    tags: parse<string[]>(r.tags, []),
    bookId: r.book_id,
    date: r.highlighted_at ?? r.created_at,
    language: r.language,
  };
}
