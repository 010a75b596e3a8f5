import { type Actor, requireScope } from "../../platform/access/actor.js";
import type { GrantsRepo } from "../../platform/access/grants.js";
import type { AccessControl } from "../../platform/access/policy.js";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { invalidField, notFound } from "../../platform/errors.js";
import type { EventLog } from "../../platform/events/event-log.js";
import { newId } from "../../platform/ids.js";
import type { SearchIndex } from "../../platform/search/search-index.js";
import type { BooksRepo } from "../books/books.repo.js";
import type { HighlightLocation } from "./anchoring/highlight-location.js";
import { cleanTags, highlightDocument } from "./note-values.js";
import { highlightCreated, highlightDeleted, highlightUpdated } from "./notes.events.js";
import type { HighlightRow, ListFilter, NotesRepo } from "./notes.repo.js";
import type { HistoryEntry } from "./notes.schemas.js";
import type { NoteSource } from "./notes.tables.js";

export interface HighlightInput {
  text: string;
  bookId?: string | null;
  target?: { type: string; id: string } | null;
  note?: string | null;
  color?: string | null;
  tags?: readonly string[];
  location?: HighlightLocation;
  language?: string | null;
  highlightedAt?: string | null;
}

export type HighlightPatch = Partial<Omit<HighlightInput, "bookId" | "target" | "highlightedAt">>;

export interface HighlightsDeps {
  uow: UnitOfWork;
  clock: Clock;
  events: EventLog;
  access: AccessControl;
  grants: GrantsRepo;
  repo: NotesRepo;
  books: BooksRepo;
  search: SearchIndex;
}

/** A location as a client gives it: whether it is an orphan is re-anchoring's finding, not the client's. */
const clientLocation = (loc: HighlightLocation | undefined): HighlightLocation | undefined => {
  if (!loc?.orphan) return loc;
  const { orphan: _ignored, ...rest } = loc;
  return rest;
};

const cleanText = (s: string) => s.normalize("NFC").trim();
const cleanNote = (s: string | null | undefined) => {
  const t = s?.normalize("NFC").trim();
  return t ? t : null;
};

/**
 * Highlights: a quote with its note, colour, tags and location (whatever the source gave). Changing the
 * quote keeps the earlier one in `history`; changing the note never touches the quote.
 */
export class HighlightsService {
  constructor(private readonly d: HighlightsDeps) {}

  /** The row a new highlight would be (for imports, which write in batches). */
  newRow(
    ownerId: string,
    input: HighlightInput,
    source: NoteSource,
    history: HistoryEntry[] = [],
  ): HighlightRow {
    const text = cleanText(input.text);
    if (!text) throw invalidField("/body/text", "required", "The quote is empty");
    const now = this.d.clock.now();
    return {
      id: newId(now.getTime()),
      owner_id: ownerId,
      book_id: input.bookId ?? null,
      target_type: input.target?.type ?? null,
      target_id: input.target?.id ?? null,
      text,
      note: cleanNote(input.note),
      color: input.color?.toLowerCase() ?? null,
      tags: JSON.stringify(cleanTags(input.tags)),
      location: JSON.stringify(input.location ?? {}),
      language: input.language ?? null,
      source,
      history: JSON.stringify(history),
      highlighted_at: input.highlightedAt ?? null,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
  }

  /**
   * Writes new highlights (rows from `newRow`) and indexes them; records one event each unless
   * `events: false` (an import records one event for all it wrote).
   */
  async insert(rows: readonly HighlightRow[], o: { events?: boolean } = {}): Promise<void> {
    if (rows.length === 0) return;
    await this.d.uow.transaction(async () => {
      await this.d.repo.insertHighlights(rows);
      await this.d.search.upsert(rows.map(highlightDocument));
      if (o.events !== false)
        for (const r of rows)
          await this.d.events.record(
            highlightCreated,
            { highlightId: r.id, bookId: r.book_id },
            { aggregateId: r.id, ownerId: r.owner_id },
          );
    });
  }

  async create(actor: Actor, input: HighlightInput, source: NoteSource = "api"): Promise<HighlightRow> {
    requireScope(actor, "write");
    const row = this.newRow(actor.userId, { ...input, location: clientLocation(input.location) }, source);
    return this.d.uow.transaction(async () => {
      if (row.book_id && !(await this.d.books.byId(actor.userId, row.book_id)))
        throw invalidField("/body/bookId", "not-found", "No such book in your library");
      await this.insert([row]);
      return row;
    });
  }

  async get(actor: Actor, id: string, action = "highlight.read"): Promise<HighlightRow> {
    const h = await this.d.repo.highlightById(id);
    if (!h) throw notFound("Highlight");
    await this.d.access.require(actor, action, id, [{ id, ownerId: h.owner_id }]);
    return h;
  }

  list(actor: Actor, f: ListFilter): Promise<HighlightRow[]> {
    if ((f.targetType === undefined) !== (f.targetId === undefined))
      throw invalidField("/querystring/targetId", "required", "Give targetType and targetId together");
    return this.d.repo.listHighlights(actor.userId, {
      ...f,
      tag: f.tag ? cleanTags([f.tag])[0] : undefined,
      color: f.color?.toLowerCase(),
      limit: f.limit + 1,
    });
  }

  /** Applies a change to a row read already (owner or editor checked by the caller). */
  async apply(h: HighlightRow, patch: HighlightPatch, at = this.d.clock.now().toISOString()) {
    const next: HighlightRow = { ...h, updated_at: at };
    if (patch.text !== undefined) {
      const text = cleanText(patch.text);
      if (!text) throw invalidField("/body/text", "required", "The quote is empty");
      if (text !== h.text) {
        const history = JSON.parse(h.history) as HistoryEntry[];
        history.push({
          text: h.text,
          location: JSON.parse(h.location),
          at: h.highlighted_at ?? h.created_at,
        });
        next.text = text;
        next.history = JSON.stringify(history);
      }
    }
    if (patch.note !== undefined) next.note = cleanNote(patch.note);
    if (patch.color !== undefined) next.color = patch.color?.toLowerCase() ?? null;
    if (patch.tags !== undefined) next.tags = JSON.stringify(cleanTags(patch.tags));
    if (patch.location !== undefined) next.location = JSON.stringify(patch.location);
    if (patch.language !== undefined) next.language = patch.language;
    const { id, owner_id: _o, created_at: _c, ...changes } = next;
    await this.d.uow.transaction(async () => {
      await this.d.repo.updateHighlight(id, changes);
      await this.d.search.upsert(highlightDocument(next));
      await this.d.events.record(
        highlightUpdated,
        { highlightId: id, bookId: next.book_id },
        { aggregateId: id, ownerId: next.owner_id },
      );
    });
    return next;
  }

  async update(actor: Actor, id: string, patch: HighlightPatch): Promise<HighlightRow> {
    return this.d.uow.transaction(async () =>
      this.apply(await this.get(actor, id, "highlight.update"), {
        ...patch,
        ...(patch.location !== undefined ? { location: clientLocation(patch.location) } : {}),
      }),
    );
  }

  async remove(actor: Actor, id: string): Promise<HighlightRow> {
    return this.d.uow.transaction(async () => {
      const h = await this.get(actor, id, "highlight.delete");
      await this.d.repo.deleteHighlight(id);
      await this.d.grants.revokeAll("highlight", [id]);
      await this.d.search.remove("highlight", id);
      await this.d.events.record(
        highlightDeleted,
        { highlightId: id, bookId: h.book_id },
        { aggregateId: id, ownerId: h.owner_id },
      );
      return h;
    });
  }
}
