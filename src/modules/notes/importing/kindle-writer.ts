import type { HighlightLocation } from "../anchoring/highlight-location.js";
import type { KindleClipping } from "../imports/kindle-clippings.js";
import type { OrganizedClippings, OrganizedHighlight } from "../imports/kindle-organize.js";
import type { HighlightRow } from "../notes.repo.js";
import type { HistoryEntry } from "../notes.schemas.js";
import { HIGHLIGHT_NOTE_MAX, HIGHLIGHT_TEXT_MAX, NOTE_BODY_MAX } from "../notes.schemas.js";
import type { ImportRun, NoteImportDeps } from "./import-run.js";

const SOURCE = "kindle";

/** The location as the device gave it: page and location range, both when both are there. */
export function kindleLocation(c: KindleClipping): HighlightLocation {
  const loc: HighlightLocation = {};
  if (c.page) loc.page = { start: c.page.slice(0, 20) };
  if (c.location) loc.kindle = { start: c.location.start, end: c.location.end };
  return loc;
}

const LANGS = new Set(["en", "es", "fr", "de", "it", "pt", "nl", "ru", "sv", "da", "fi", "no"]);
/** The device's language, which is the best guess of the text's there is (stemming only). */
const languageOf = (c: KindleClipping) => (LANGS.has(c.language) ? c.language : null);

/** Writes organised Kindle clippings: new highlights in batches, revised ones updated, notes attached. */
export class KindleWriter {
  private readonly keys: Array<{ key: string; kind: string; id: string | null }> = [];
  private readonly bookIds = new Set<string>();
  private known = new Map<string, { kind: string; object_id: string | null }>();
  /**
   * The owner's highlights earlier imports made of this file's entries, read at once: whole rows where an
   * entry of the highlight is new (it may change the text or the note), only the id where every entry is
   * known (nothing can change: a re-import of the same file reads no highlight's text).
   */
  private readonly rows = new Map<string, HighlightRow | { id: string }>();

  constructor(
    private readonly d: NoteImportDeps,
    private readonly r: ImportRun,
  ) {}

  private async book(c: KindleClipping) {
    const day = c.addedAt?.slice(0, 10);
    const b = await this.r.matcher.match(c.book, day);
    if (b.warning && !this.warned.has(b.id)) {
      this.warned.add(b.id);
      this.r.report.warn(c.line, b.warning);
    }
    if (!this.counted.has(b.id)) {
      this.counted.add(b.id);
      this.r.report.book(b.action);
    }
    if (b.action !== "new") this.bookIds.add(b.id);
    return b;
  }
  private readonly warned = new Set<string>();
  private readonly counted = new Set<string>();

  private remember(c: KindleClipping, kind: string, id: string | null) {
    this.keys.push({ key: c.key, kind, id });
  }

  private noteText(notes: readonly KindleClipping[]): string | null {
    const text = notes
      .map((n) => n.text.trim())
      .filter(Boolean)
      .join("\n\n");
    return text ? text.slice(0, HIGHLIGHT_NOTE_MAX) : null;
  }

  async write(o: OrganizedClippings): Promise<{ bookIds: string[] }> {
    const all = [
      ...o.highlights.flatMap((g) => [g.highlight, ...g.history, ...g.notes]),
      ...o.notes,
      ...o.bookmarks,
      ...o.clips,
    ];
    this.known = await this.d.repo.knownKeys(
      this.r.actor.userId,
      SOURCE,
      all.map((c) => c.key),
    );
    await this.r.matcher.prefetch(all.map((c) => c.book));
    const whole = new Set<string>(); // highlights an entry not seen before may change
    for (const g of [...o.highlights, ...o.clips.map((c) => ({ highlight: c, history: [], notes: [] }))]) {
      const entries = [g.highlight, ...g.history, ...g.notes];
      if (entries.every((e) => this.known.has(e.key))) continue;
      for (const e of entries) {
        const id = this.known.get(e.key)?.object_id;
        if (id) whole.add(id);
      }
    }
    const ids = [...new Set([...this.known.values()].flatMap((k) => (k.object_id ? [k.object_id] : [])))];
    const owner = this.r.actor.userId;
    for (const h of await this.d.repo.highlightsByIds(owner, [...whole])) this.rows.set(h.id, h);
    const rest = ids.filter((id) => !whole.has(id));
    for (const id of await this.d.repo.existingHighlightIds(owner, rest)) this.rows.set(id, { id });
    const fresh: HighlightRow[] = [];
    for (const g of o.highlights) await this.highlight(g, fresh);
    for (const c of o.clips) await this.highlight({ highlight: c, history: [], notes: [] }, fresh, "clip");
    await this.r.matcher.flush(); // the books they are on first
    await this.d.highlights.insert(fresh, { events: false }); // multi-row statements, index entries too
    for (const n of o.notes) await this.note(n);
    for (const b of o.bookmarks) {
      const book = await this.book(b);
      const seen = this.known.has(b.key);
      if (!seen) this.remember(b, "bookmark", null);
      this.r.report.add({
        line: b.line,
        kind: "bookmark",
        action: seen ? "unchanged" : "skipped",
        id: null,
        bookId: book.action === "new" ? null : book.id,
        book: book.title,
        detail: seen ? undefined : "bookmarks mark a place only: nothing is kept",
      });
    }
    if (o.duplicates > 0) this.r.report.report.duplicates += o.duplicates;
    await this.d.repo.insertKeys(
      this.keys.map((k) => ({
        owner_id: this.r.actor.userId,
        source: SOURCE,
        key: k.key,
        kind: k.kind,
        object_id: k.id,
        created_at: this.r.at,
      })),
    );
    return { bookIds: [...this.bookIds] };
  }

  /** The highlight an earlier import made of one of these entries, if it still exists. */
  private existing(entries: readonly KindleClipping[]): HighlightRow | { id: string } | undefined {
    for (const e of entries) {
      const id = this.known.get(e.key)?.object_id;
      const h = id ? this.rows.get(id) : undefined;
      if (h) return h;
    }
    return undefined;
  }

  private async highlight(
    g: OrganizedHighlight,
    fresh: HighlightRow[],
    kind: "highlight" | "clip" = "highlight",
  ) {
    const c = g.highlight;
    const book = await this.book(c);
    const bookId = book.action === "new" ? null : book.id;
    const newNotes = g.notes.filter((n) => !this.known.has(n.key));
    const result = { line: c.line, kind, bookId, book: book.title };
    const text = c.text.trim().slice(0, HIGHLIGHT_TEXT_MAX);
    if (!text) {
      this.r.report.add({ ...result, action: "skipped", id: null, detail: "the highlight is empty" });
      return;
    }
    const entries = [c, ...g.history, ...g.notes];
    const found = this.existing(entries);
    if (found && !("text" in found)) {
      // Every entry is known (only the id was read): nothing to change.
      this.r.report.add({ ...result, action: "unchanged", id: found.id });
      return;
    }
    const before = found;
    if (before) {
      const patch: { text?: string; location?: HighlightLocation; note?: string | null } = {};
      const latestKnown = this.known.has(c.key);
      if (!latestKnown && before.text !== text) {
        patch.text = text;
        patch.location = kindleLocation(c);
      }
      if (newNotes.length > 0) {
        const added = this.noteText(newNotes);
        patch.note = [before.note, added].filter(Boolean).join("\n\n").slice(0, HIGHLIGHT_NOTE_MAX);
      }
      for (const e of entries) if (!this.known.has(e.key)) this.remember(e, e.kind, before.id);
      if (Object.keys(patch).length === 0) {
        this.r.report.add({ ...result, action: "unchanged", id: before.id });
        return;
      }
      await this.d.highlights.apply(before, patch);
      this.r.report.add({
        ...result,
        action: "updated",
        id: before.id,
        detail: patch.text
          ? "the highlight was re-made on the device: the earlier text is kept in its history"
          : "a note was added",
      });
      return;
    }
    if (entries.some((e) => this.known.get(e.key)?.object_id)) {
      // Written by an earlier import and deleted since: the reader removed it, so it stays removed.
      for (const e of entries) if (!this.known.has(e.key)) this.remember(e, e.kind, null);
      this.r.report.add({
        ...result,
        action: "skipped",
        id: null,
        detail: "deleted since an earlier import",
      });
      return;
    }
    const history: HistoryEntry[] = g.history.map((h) => ({
      text: h.text,
      location: kindleLocation(h),
      at: this.r.instant(h.addedAt, h.utcOffset),
    }));
    const row = this.d.highlights.newRow(
      this.r.actor.userId,
      {
        text,
        bookId,
        note: this.noteText(g.notes),
        location: kindleLocation(c),
        language: languageOf(c),
        highlightedAt: this.r.instant(c.addedAt, c.utcOffset),
      },
      SOURCE,
      history,
    );
    fresh.push(row);
    for (const e of entries) this.remember(e, e.kind, row.id);
    this.r.report.add({
      ...result,
      action: "created",
      id: this.r.dryRun ? null : row.id,
      detail: history.length ? `${history.length} earlier version(s) kept in its history` : undefined,
    });
  }

  private async note(n: KindleClipping) {
    const book = await this.book(n);
    const bookId = book.action === "new" ? null : book.id;
    const result = { line: n.line, kind: "note" as const, bookId, book: book.title };
    const known = this.known.get(n.key);
    if (known) {
      this.r.report.add({ ...result, action: "unchanged", id: known.object_id });
      return;
    }
    const body = n.text.trim().slice(0, NOTE_BODY_MAX);
    if (!body) {
      this.r.report.add({ ...result, action: "skipped", id: null, detail: "the note is empty" });
      return;
    }
    await this.r.matcher.flush();
    const note = await this.d.notes.create(
      this.r.actor,
      { body, bookId, location: kindleLocation(n), language: languageOf(n) },
      { source: SOURCE, at: this.r.instant(n.addedAt, n.utcOffset) ?? undefined },
    );
    this.remember(n, "note", note.id);
    this.r.report.add({ ...result, action: "created", id: this.r.dryRun ? null : note.id });
  }
}
