import type { HighlightLocation } from "../anchoring/highlight-location.js";
import type { ReadwiseHighlight } from "../imports/readwise-csv.js";
import { cleanTags } from "../note-values.js";
import type { HighlightRow } from "../notes.repo.js";
import { HIGHLIGHT_NOTE_MAX, HIGHLIGHT_TEXT_MAX, TAG_MAX, TAGS_MAX } from "../notes.schemas.js";
import type { ImportRun, NoteImportDeps } from "./import-run.js";

const SOURCE = "readwise";

/** Readwise's location kept as it is, and as a Kindle location or page when that is what it is. */
export function readwiseLocation(h: ReadwiseHighlight): HighlightLocation {
  if (!h.location) return {};
  const loc: HighlightLocation = {
    external: { type: h.location.type.slice(0, 40), value: h.location.value },
  };
  const whole = Number.isInteger(h.location.value) && h.location.value >= 0;
  if (h.location.type === "location" && whole)
    loc.kindle = { start: h.location.value, end: h.location.value };
  if (h.location.type === "page" && whole) loc.page = { start: String(h.location.value) };
  return loc;
}

const COLOR = /^[a-z][a-z0-9 _-]{0,31}$/;
const tagsOf = (h: ReadwiseHighlight) =>
  cleanTags(
    h.tags.map((t) =>
      t
        .replace(/[,"]/g, " ")
        .replace(/^[#\s]+/, "")
        .slice(0, TAG_MAX),
    ),
  ).slice(0, TAGS_MAX);

/** Writes Readwise rows: each highlight once (by its key); a re-export's changed note, colour or tags update it. */
export class ReadwiseWriter {
  private readonly bookIds = new Set<string>();
  private readonly counted = new Set<string>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly d: NoteImportDeps,
    private readonly r: ImportRun,
  ) {}

  async write(rows: readonly ReadwiseHighlight[]): Promise<{ bookIds: string[] }> {
    const known = await this.d.repo.knownKeys(
      this.r.actor.userId,
      SOURCE,
      rows.map((h) => h.key),
    );
    await this.r.matcher.prefetch(rows.map((h) => h.book));
    const ids = [...new Set([...known.values()].flatMap((k) => (k.object_id ? [k.object_id] : [])))];
    const existing = new Map(
      (await this.d.repo.highlightsByIds(this.r.actor.userId, ids)).map((h) => [h.id, h]),
    );
    const seen = new Map<string, number>();
    const fresh: HighlightRow[] = [];
    const keys: Array<{ key: string; id: string }> = [];
    for (const h of rows) {
      const b = await this.r.matcher.match(h.book, h.highlightedAt?.slice(0, 10));
      if (b.warning && !this.warned.has(b.id)) {
        this.warned.add(b.id);
        this.r.report.warn(h.line, b.warning);
      }
      if (!this.counted.has(b.id)) {
        this.counted.add(b.id);
        this.r.report.book(b.action);
      }
      const bookId = b.action === "new" ? null : b.id;
      if (bookId) this.bookIds.add(bookId);
      const result = { line: h.line, kind: "highlight" as const, bookId, book: b.title };
      const first = seen.get(h.key);
      if (first !== undefined) {
        this.r.report.add({
          ...result,
          action: "duplicate",
          id: null,
          detail: `the same highlight as line ${first}`,
        });
        continue;
      }
      seen.set(h.key, h.line);
      const color = h.color && COLOR.test(h.color) ? h.color : null;
      const fields = {
        note: h.note?.slice(0, HIGHLIGHT_NOTE_MAX) ?? null,
        color,
        tags: tagsOf(h),
      };
      const id = known.get(h.key)?.object_id;
      const before = id ? existing.get(id) : undefined;
      if (before) {
        const same =
          (before.note ?? null) === fields.note &&
          (before.color ?? null) === fields.color &&
          before.tags === JSON.stringify(fields.tags);
        if (same) this.r.report.add({ ...result, action: "unchanged", id: before.id });
        else {
          await this.d.highlights.apply(before, fields);
          this.r.report.add({
            ...result,
            action: "updated",
            id: before.id,
            detail: "note, colour or tags changed",
          });
        }
        continue;
      }
      if (id) {
        // Written by an earlier import and deleted since: the reader removed it, so it stays removed.
        this.r.report.add({
          ...result,
          action: "skipped",
          id: null,
          detail: "deleted since an earlier import",
        });
        continue;
      }
      const row = this.d.highlights.newRow(
        this.r.actor.userId,
        {
          text: h.text.slice(0, HIGHLIGHT_TEXT_MAX),
          bookId,
          ...fields,
          location: readwiseLocation(h),
          highlightedAt: h.highlightedAt ?? null,
        },
        SOURCE,
      );
      fresh.push(row);
      keys.push({ key: h.key, id: row.id });
      this.r.report.add({ ...result, action: "created", id: this.r.dryRun ? null : row.id });
    }
    await this.r.matcher.flush(); // the books they are on first
    await this.d.highlights.insert(fresh, { events: false }); // multi-row statements, index entries too
    await this.d.repo.insertKeys(
      keys.map((k) => ({
        owner_id: this.r.actor.userId,
        source: SOURCE,
        key: k.key,
        kind: "highlight",
        object_id: k.id,
        created_at: this.r.at,
      })),
    );
    return { bookIds: [...this.bookIds] };
  }
}
