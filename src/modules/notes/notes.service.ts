import { type Actor, requireScope } from "../../platform/access/actor.js";
import type { GrantsRepo } from "../../platform/access/grants.js";
import type { AccessControl } from "../../platform/access/policy.js";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { conflict, invalidField, notFound } from "../../platform/errors.js";
import type { EventLog } from "../../platform/events/event-log.js";
import { newId } from "../../platform/ids.js";
import type { SearchIndex } from "../../platform/search/search-index.js";
import { mergeThreeWay } from "../../platform/text/three-way-merge.js";
import type { BooksRepo } from "../books/books.repo.js";
import type { HighlightLocation } from "./anchoring/highlight-location.js";
import { createMarkdownRenderer } from "./markdown/markdown-render.js";
import { extractWikilinks } from "./markdown/wikilinks.js";
import { cleanTags, noteDocument, titleKey } from "./note-values.js";
import { noteCreated, noteDeleted, noteUpdated } from "./notes.events.js";
import type { ListFilter, NoteRow, NotesRepo } from "./notes.repo.js";
import { NOTE_BODY_MAX } from "./notes.schemas.js";
import type { NoteSource } from "./notes.tables.js";

/** Most wikilinks kept per note (for backlinks); the rest still render. */
const MAX_LINKS = 500;

export interface NoteInput {
  title?: string | null;
  body: string;
  bookId?: string | null;
  target?: { type: string; id: string } | null;
  location?: HighlightLocation | null;
  tags?: readonly string[];
  language?: string | null;
}

export interface NotePatch extends Partial<Omit<NoteInput, "target">> {
  /**
   * The version the change was made from. A body alone is merged with what was saved (or typed) since, 409
   * where both changed the same text; any other field is saved only if the note is still at it (409).
   */
  ifVersion?: number;
}

/** The notes' documents edited together in this process (the collab module's), into which a saved body merges. */
export interface LiveNotes {
  /** The text of the note's document open here, with what was typed and not stored yet; else undefined. */
  text(noteId: string): string | undefined;
  /**
   * Called inside the save's transaction: the open document is to go from `base` (what `text` gave) to
   * `body` — saved as `version` — keeping what was typed since; it takes that version as its own.
   */
  saved(noteId: string, base: string, body: string, version: number): Promise<void>;
}

export interface NotesDeps {
  uow: UnitOfWork;
  clock: Clock;
  events: EventLog;
  access: AccessControl;
  grants: GrantsRepo;
  repo: NotesRepo;
  books: BooksRepo;
  search: SearchIndex;
}

const clean = (s: string | null | undefined) => {
  const t = s?.normalize("NFC").trim();
  return t ? t : null;
};

/**
 * Notes: Markdown, on a book (and a place in it), on another object, or standalone. Every save is a
 * revision; wikilinks are kept for backlinks; the search index follows in the same unit of work. The one
 * path that changes a note's text is `update` (it records `note.updated` with the new version).
 */
export class NotesService {
  private live: LiveNotes | undefined;
  private openedHook: ((actor: Actor, noteId: string) => Promise<void>) | undefined;

  constructor(private readonly d: NotesDeps) {}

  /** Told when someone other than its owner opens a note (the collab module turns invitations into shares). */
  useOpened(hook: (actor: Actor, noteId: string) => Promise<void>): void {
    this.openedHook = hook;
  }

  /** Plugs in the documents edited together (the collab module does, once built). */
  useLive(live: LiveNotes): void {
    this.live = live;
  }

  private async checkBook(ownerId: string, bookId: string | null | undefined): Promise<void> {
    if (!bookId) return;
    if (!(await this.d.books.byId(ownerId, bookId)))
      throw invalidField("/body/bookId", "not-found", "No such book in your library");
  }

  private async saved(row: NoteRow, savedBy: string, at: string): Promise<void> {
    await this.d.repo.insertRevision({
      id: newId(Date.parse(at)),
      owner_id: row.owner_id,
      note_id: row.id,
      version: row.version,
      title: row.title,
      body: row.body,
      tags: row.tags,
      saved_by: savedBy,
      created_at: at,
    });
    await this.writeLinks(row);
    await this.d.search.upsert(noteDocument(row));
  }

  private async writeLinks(row: NoteRow): Promise<void> {
    const links = extractWikilinks(row.body)
      .filter((l) => l.target !== "")
      .slice(0, MAX_LINKS);
    await this.d.repo.replaceLinks(
      row.id,
      links.map((l, ord) => ({
        note_id: row.id,
        ord,
        owner_id: row.owner_id,
        target: l.target,
        target_key: titleKey(l.target),
        alias: l.alias ?? null,
      })),
    );
  }

  /** Recomputes the title keys and wikilinks of the owner's notes (after a restore wrote them). */
  async relink(ownerId: string): Promise<void> {
    let after: string | undefined;
    for (;;) {
      const rows = (await this.d.repo.page("notes", ownerId, after, 500)) as NoteRow[];
      if (rows.length === 0) return;
      for (const row of rows) {
        const key = row.title ? titleKey(row.title) : null;
        if (key !== row.title_key) await this.d.repo.updateNote(row.id, { title_key: key });
        await this.writeLinks(row);
      }
      after = rows[rows.length - 1]!.id;
    }
  }

  /** Creates a note owned by the actor (revision 1). */
  async create(actor: Actor, input: NoteInput, opts: { source?: NoteSource; at?: string } = {}) {
    requireScope(actor, "write");
    const now = this.d.clock.now();
    const at = opts.at ?? now.toISOString();
    const title = clean(input.title);
    const row: NoteRow = {
      id: newId(now.getTime()),
      owner_id: actor.userId,
      book_id: input.bookId ?? null,
      target_type: input.target?.type ?? null,
      target_id: input.target?.id ?? null,
      location: input.location ? JSON.stringify(input.location) : null,
      title,
      title_key: title ? titleKey(title) : null,
      body: input.body,
      tags: JSON.stringify(cleanTags(input.tags)),
      language: input.language ?? null,
      source: opts.source ?? "api",
      version: 1,
      created_at: at,
      updated_at: at,
    };
    return this.d.uow.transaction(async () => {
      await this.checkBook(actor.userId, row.book_id);
      await this.d.repo.insertNote(row);
      await this.saved(row, actor.userId, at);
      await this.d.events.record(
        noteCreated,
        { noteId: row.id, bookId: row.book_id },
        { aggregateId: row.id, ownerId: row.owner_id },
      );
      return row;
    });
  }

  /** A note the actor may `action` (404 when it does not exist or they have no relation to it). */
  async get(actor: Actor, id: string, action = "note.read"): Promise<NoteRow> {
    const note = await this.d.repo.noteById(id);
    if (!note) throw notFound("Note");
    await this.d.access.require(actor, action, id, [{ id, ownerId: note.owner_id }]);
    return note;
  }

  /** The note with its body rendered, its wikilinks resolved (or shown missing) and its backlinks. */
  async detail(actor: Actor, id: string) {
    const note = await this.get(actor, id);
    const owner = note.owner_id;
    if (owner !== actor.userId && this.openedHook) await this.openedHook(actor, id);
    const links = await this.d.repo.linksOf(id);
    const keys = [...new Set(links.map((l) => l.target_key))];
    const resolved = new Map<string, { kind: "book" | "note"; id: string; title: string }>();
    if (keys.length > 0) {
      for (const n of await this.d.repo.notesByTitleKeys(owner, keys))
        if (n.title_key && !resolved.has(n.title_key))
          resolved.set(n.title_key, { kind: "note", id: n.id, title: n.title ?? "" });
      // Books win over notes of the same title: `[[Dune]]` is the book.
      for (const b of await this.d.books.list(owner, { limit: 10_000 })) {
        const k = titleKey(b.title);
        if (keys.includes(k)) resolved.set(k, { kind: "book", id: b.id, title: b.title });
      }
    }
    const render = createMarkdownRenderer({
      wikilinkHref: (target) => {
        const r = resolved.get(titleKey(target));
        return r ? `/${r.kind === "book" ? "books" : "notes"}/${encodeURIComponent(r.id)}` : undefined;
      },
    });
    const backlinks = note.title_key ? await this.d.repo.backlinks(owner, [note.title_key]) : [];
    return {
      note,
      html: render(note.body),
      links: links.map((l) => ({
        target: l.target,
        alias: l.alias,
        resolved: resolved.get(l.target_key) ?? null,
      })),
      backlinks: backlinks.filter((b) => b.id !== id).map((b) => ({ noteId: b.id, title: b.title })),
    };
  }

  /** Notes linking to a book by its title (`[[Dune]]`). */
  async bookBacklinks(ownerId: string, title: string) {
    return this.d.repo.backlinks(ownerId, [titleKey(title)]);
  }

  /** The actor's notes, newest first (limit + 1 rows, for paging). */
  list(actor: Actor, f: ListFilter): Promise<NoteRow[]> {
    return this.d.repo.listNotes(actor.userId, {
      ...f,
      tag: f.tag ? cleanTags([f.tag])[0] : undefined,
      limit: f.limit + 1,
    });
  }

  /**
   * Notes others shared with the actor (to them or a group of theirs) that the note policy lets them read,
   * newest first (limit + 1 rows, for paging). Shares are read a page at a time until the page is full.
   */
  async listShared(actor: Actor, f: ListFilter): Promise<NoteRow[]> {
    const filter = { ...f, tag: f.tag ? cleanTags([f.tag])[0] : undefined };
    const out: NoteRow[] = [];
    let before = f.cursor;
    const want = f.limit + 1;
    for (let round = 0; round < 20 && out.length < want; round++) {
      const ids = await this.d.grants.sharedIds(actor, "note", { before, limit: 200 });
      if (ids.length === 0) break;
      before = ids[ids.length - 1];
      const rows = await this.d.repo.notesAmong(ids, actor.userId, filter);
      const ok = await this.d.access.allowed(
        actor,
        "note.read",
        rows.map((r) => r.id),
        rows.map((r) => ({ id: r.id, ownerId: r.owner_id })),
      );
      out.push(...rows.filter((r) => ok.has(r.id)));
      if (ids.length < 200) break;
    }
    return out.slice(0, want);
  }

  /**
   * Saves a change (owner or editor): a new revision, the wikilinks and the index updated, `note.updated`
   * recorded. With `ifVersion`, a note saved by someone else since is a 409 and nothing changes.
   */
  async update(actor: Actor, id: string, patch: NotePatch): Promise<NoteRow> {
    return this.d.uow.transaction(async () => {
      const note = await this.get(actor, id, "note.update");
      if (patch.body === undefined) return this.change(note, patch, actor.userId);
      // What the text is now: the open document's (with edits not stored yet), else the saved one.
      const live = this.live?.text(id);
      const current = live ?? note.body;
      const body = await this.mergedBody(note, current, patch);
      const next = await this.change(note, { ...patch, body, ifVersion: undefined }, actor.userId);
      if (live !== undefined) await this.live!.saved(id, current, next.body, next.version);
      return next;
    });
  }

  /**
   * The body to save for a change of `patch.body` made from version `patch.ifVersion` (default: the saved
   * one) while the text is `current`: the change merged three-way with what was saved and typed since,
   * or 409 (with the current version) where both changed the same text.
   */
  private async mergedBody(note: NoteRow, current: string, patch: NotePatch): Promise<string> {
    const from = patch.ifVersion ?? note.version;
    const stale = `The note is at version ${note.version}, not ${from}`;
    if (from > note.version) throw conflict(`${stale}: reload it and retry`, note.version);
    if (from !== note.version) {
      const others = Object.keys(patch).some((k) => k !== "body" && k !== "ifVersion");
      if (others) throw conflict(`${stale}: reload it and retry`, note.version);
    }
    const base = from === note.version ? note.body : (await this.d.repo.revision(note.id, from))?.body;
    if (base === undefined)
      throw conflict(`${stale}, and ${from} is gone: reload it and retry`, note.version);
    const merged = mergeThreeWay(base, current, patch.body!);
    if (merged.text.length > NOTE_BODY_MAX)
      throw invalidField(
        "/body/body",
        "maxLength",
        `merged with the edits since, it is over ${NOTE_BODY_MAX} characters`,
      );
    if (!merged.ok)
      throw conflict(
        `${from === note.version ? "The note is being edited" : stale} and the same text was changed since ` +
          `version ${from}: reload it and retry`,
        note.version,
      );
    return merged.text;
  }

  /**
   * Saves a body edited together (the collab documents): a revision, links, index and `note.updated` as
   * `update` does, for an editor the caller already authorized (by a share or a link). Undefined when the
   * note is gone.
   */
  async saveEdited(id: string, body: string, savedBy: string): Promise<NoteRow | undefined> {
    return this.d.uow.transaction(async () => {
      const note = await this.d.repo.noteById(id);
      if (!note) return undefined;
      if (note.body === body) return note;
      return this.change(note, { body }, savedBy);
    });
  }

  private async change(note: NoteRow, patch: NotePatch, savedBy: string): Promise<NoteRow> {
    const id = note.id;
    if (patch.ifVersion !== undefined && patch.ifVersion !== note.version)
      throw conflict(`The note is at version ${note.version}, not ${patch.ifVersion}: reload it and retry`);
    if (patch.bookId !== undefined) await this.checkBook(note.owner_id, patch.bookId);
    const at = this.d.clock.now().toISOString();
    const title = patch.title === undefined ? note.title : clean(patch.title);
    const next: NoteRow = {
      ...note,
      title,
      title_key: title ? titleKey(title) : null,
      body: patch.body ?? note.body,
      book_id: patch.bookId === undefined ? note.book_id : patch.bookId,
      location:
        patch.location === undefined ? note.location : patch.location ? JSON.stringify(patch.location) : null,
      tags: patch.tags === undefined ? note.tags : JSON.stringify(cleanTags(patch.tags)),
      language: patch.language === undefined ? note.language : patch.language,
      version: note.version + 1,
      updated_at: at,
    };
    const { id: _id, owner_id: _owner, created_at: _created, ...changes } = next;
    if (!(await this.d.repo.updateNote(id, changes, note.version)))
      throw conflict("The note was saved by someone else at the same time: reload it and retry");
    await this.saved(next, savedBy, at);
    await this.d.events.record(
      noteUpdated,
      { noteId: id, bookId: next.book_id, version: next.version, savedBy },
      { aggregateId: id, ownerId: note.owner_id },
    );
    return next;
  }

  /** Deletes a note (owner only) with its revisions, links, shares and index entry. */
  async remove(actor: Actor, id: string): Promise<NoteRow> {
    return this.d.uow.transaction(async () => {
      const note = await this.get(actor, id, "note.delete");
      await this.d.repo.deleteNote(id);
      await this.d.grants.revokeAll("note", [id]);
      await this.d.search.remove("note", id);
      await this.d.events.record(
        noteDeleted,
        { noteId: id, bookId: note.book_id },
        { aggregateId: id, ownerId: note.owner_id },
      );
      return note;
    });
  }

  /** The note's revisions, latest first. */
  async revisions(actor: Actor, id: string) {
    await this.get(actor, id);
    return this.d.repo.revisions(id);
  }

  /** Brings back an earlier revision's title, body and tags, saved as a new revision. */
  async restore(actor: Actor, id: string, version: number): Promise<NoteRow> {
    return this.d.uow.transaction(async () => {
      await this.get(actor, id, "note.update");
      const rev = await this.d.repo.revision(id, version);
      if (!rev) throw invalidField("/body/version", "not-found", `The note has no revision ${version}`);
      return this.update(actor, id, { title: rev.title, body: rev.body, tags: JSON.parse(rev.tags) });
    });
  }
}
