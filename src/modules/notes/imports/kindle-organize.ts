import type { KindleClipping } from "./kindle-clippings.js";

/**
 * What the Kindle entries mean together. The device appends instead of editing: a highlight made larger or
 * smaller is a new entry overlapping the old one, a note is its own entry at the location where the
 * highlight it belongs to ends, and a file copied twice repeats entries exactly.
 */

export interface OrganizedHighlight {
  highlight: KindleClipping;
  /** Earlier versions of the same highlight (oldest first), replaced by `highlight`. */
  history: KindleClipping[];
  /** Notes typed on this highlight, in file order. */
  notes: KindleClipping[];
}

export interface OrganizedClippings {
  highlights: OrganizedHighlight[];
  /** Notes at a location with no highlight: standalone notes on the book. */
  notes: KindleClipping[];
  bookmarks: KindleClipping[];
  /** Article clips (`Clip This Article`). */
  clips: KindleClipping[];
  /** Entries identical to one already seen (same key): dropped. */
  duplicates: number;
}

/** The book an entry belongs to, exactly as the source spells it (no merging of near-identical titles). */
const bookKey = (c: KindleClipping) => JSON.stringify([c.book.title, c.book.authors]);

const norm = (s: string) => s.normalize("NFC").replace(/\s+/g, " ").trim().toLowerCase();

function overlaps(a: KindleClipping, b: KindleClipping): boolean {
  if (a.location && b.location)
    return a.location.start <= b.location.end && b.location.start <= a.location.end;
  // Without locations (old firmware on PDFs writes only pages), the same page is as close as it gets.
  return a.location === undefined && b.location === undefined && a.page !== undefined && a.page === b.page;
}

/** One text is the other made larger or smaller: contained, or overlapping by at least half the shorter. */
export function isRevision(older: string, newer: string): boolean {
  const a = norm(older);
  const b = norm(newer);
  if (a === "" || b === "") return false;
  if (a.includes(b) || b.includes(a)) return true;
  const shorter = Math.min(a.length, b.length);
  const need = Math.max(8, Math.ceil(shorter / 2));
  for (let k = shorter; k >= need; k--) {
    if (a.endsWith(b.slice(0, k)) || b.endsWith(a.slice(0, k))) return true;
  }
  return false;
}

/** Later of two entries: by their added time, or by file order when the times are missing or equal. */
const isLater = (a: KindleClipping, b: KindleClipping, aAt: number, bAt: number) =>
  a.addedAt && b.addedAt && a.addedAt !== b.addedAt ? a.addedAt > b.addedAt : aAt > bAt;

/** Groups parsed entries: dedupes, keeps the latest version of each highlight, attaches notes. */
export function organizeClippings(clippings: readonly KindleClipping[]): OrganizedClippings {
  const seen = new Set<string>();
  const out: OrganizedClippings = { highlights: [], notes: [], bookmarks: [], clips: [], duplicates: 0 };
  const byBook = new Map<string, Array<{ h: OrganizedHighlight; at: number }>>();
  const pendingNotes: Array<{ note: KindleClipping; at: number }> = [];
  clippings.forEach((c, at) => {
    if (seen.has(c.key)) {
      out.duplicates++;
      return;
    }
    seen.add(c.key);
    if (c.kind === "bookmark") out.bookmarks.push(c);
    else if (c.kind === "clip") out.clips.push(c);
    else if (c.kind === "note") pendingNotes.push({ note: c, at });
    else {
      const list = byBook.get(bookKey(c)) ?? [];
      byBook.set(bookKey(c), list);
      const same = list.find((x) => overlaps(x.h.highlight, c) && isRevision(x.h.highlight.text, c.text));
      if (!same) {
        const h: OrganizedHighlight = { highlight: c, history: [], notes: [] };
        list.push({ h, at });
        out.highlights.push(h);
      } else if (isLater(c, same.h.highlight, at, same.at)) {
        same.h.history.push(same.h.highlight);
        same.h.highlight = c;
        same.at = at;
      } else {
        same.h.history.push(c);
        same.h.history.sort((x, y) => (x.addedAt ?? "").localeCompare(y.addedAt ?? ""));
      }
    }
  });
  for (const { note } of pendingNotes) {
    const list = byBook.get(bookKey(note)) ?? [];
    const spot = note.location?.end ?? note.location?.start;
    // The highlight the note was typed on ends where the note sits; failing that, contains its location.
    const candidates = list.filter(({ h }) => {
      const loc = h.highlight.location;
      if (spot === undefined || !loc)
        return note.page !== undefined && h.highlight.page === note.page && !loc;
      return loc.start <= spot && spot <= loc.end;
    });
    const best =
      candidates.find(({ h }) => h.highlight.location?.end === spot) ??
      candidates.sort((x, y) => y.at - x.at)[0];
    if (best) best.h.notes.push(note);
    else out.notes.push(note);
  }
  return out;
}
