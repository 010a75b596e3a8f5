import type { BookFinder } from "../books/books.commands.js";
import type { BookRow, BooksRepo } from "../books/books.repo.js";
import { fail, isFailure } from "../text/amounts.js";
import {
  isNoteCommand,
  isQuoteCommand,
  type NoteCommand,
  parseNoteOrQuote,
  type QuoteCommand,
  titleOf,
} from "../text/freeform.js";
import { shortTitle } from "../text/reply-format.js";
import { isOptStr, isStr } from "../text/text-command.js";
import type { TextCommandDef, TextReply, Turn } from "../text/text-registry.js";
import type { HighlightsService } from "./highlights.service.js";
import { markdownToText } from "./markdown/markdown-text.js";
import type { HighlightRow, NoteRow } from "./notes.repo.js";
import type { NotesService } from "./notes.service.js";
import type { SearchService } from "./search.service.js";

/** `notes dune`: the latest few notes and highlights of a book (or of all). */
type ListCommand = { kind: "notesList"; title?: string };
/** `search <words>`: the top hits. */
type SearchCommand = { kind: "search"; q: string };

/** Shown by `notes` and `search`. */
const SHOWN = 5;
const SNIPPET_CHARS = 120;

interface Deps {
  notes: NotesService;
  highlights: HighlightsService;
  search: SearchService;
  finder: BookFinder;
  booksRepo: BooksRepo;
}

const pool = { pool: ["reading", "paused", "finished"] as const, prefer: "reading" as const };

/** The book a note or quote is on: the one named, else the one replied to; `null`: standalone (notes only). */
async function bookFor(d: Deps, cmd: NoteCommand | QuoteCommand, turn: Turn) {
  if (cmd.title === undefined && !turn.chosen) {
    const replied = turn.replyToBookId
      ? await d.booksRepo.byId(turn.actor.userId, turn.replyToBookId)
      : undefined;
    if (replied) return { book: replied };
    if (cmd.kind === "note") return { book: null };
  }
  const found = await d.finder.resolve(turn, cmd, { pool: pool.pool, prefer: pool.prefer });
  if ("none" in found)
    return {
      reply: {
        text: `No book matches “${shortTitle(found.none)}”. Add it with \`want ${shortTitle(found.none)}\`, then send the ${cmd.kind} again.`,
      },
    };
  return found;
}

async function saveNote(d: Deps, cmd: NoteCommand, turn: Turn): Promise<TextReply> {
  const found = await bookFor(d, cmd, turn);
  if ("reply" in found) return found.reply;
  const book: BookRow | null = found.book;
  const note = await d.notes.create(
    turn.actor,
    { body: cmd.text, bookId: book?.id ?? null },
    { source: "text" },
  );
  await turn.logUndo("note", { id: note.id });
  return book
    ? { text: `Noted on ${shortTitle(book.title)}.`, bookId: book.id }
    : { text: "Noted (on no book: `note <title>: …` puts it on one)." };
}

async function saveQuote(d: Deps, cmd: QuoteCommand, turn: Turn): Promise<TextReply> {
  const found = await bookFor(d, cmd, turn);
  if ("reply" in found) return found.reply;
  const book = found.book!;
  const h = await d.highlights.create(
    turn.actor,
    { text: cmd.text, bookId: book.id, location: cmd.page ? { page: { start: String(cmd.page) } } : {} },
    "text",
  );
  await turn.logUndo("highlight", { id: h.id });
  return {
    text: `Quote saved on ${shortTitle(book.title)}${cmd.page ? ` (p.${cmd.page})` : ""}.`,
    bookId: book.id,
  };
}

const cut = (s: string) => shortTitle(s, SNIPPET_CHARS);

function line(item: NoteRow | HighlightRow): string {
  if ("body" in item) return `• note: ${cut(markdownToText(item.body))}`;
  const loc = JSON.parse(item.location) as { page?: { start: string } };
  return `• “${cut(item.text)}”${loc.page ? ` (p.${loc.page.start})` : ""}`;
}

async function listLatest(d: Deps, cmd: ListCommand, turn: Turn): Promise<TextReply> {
  let book: BookRow | undefined;
  if (cmd.title !== undefined || turn.chosen) {
    const found = await d.finder.resolve(turn, cmd, { pool: pool.pool, prefer: pool.prefer });
    if ("none" in found) return { text: `No book matches “${shortTitle(found.none)}”.` };
    if ("reply" in found) return found.reply;
    book = found.book;
  }
  const f = { limit: SHOWN, bookId: book?.id };
  const [notes, highlights] = await Promise.all([
    d.notes.list(turn.actor, f),
    d.highlights.list(turn.actor, f),
  ]);
  const items = [...notes, ...highlights].sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, SHOWN);
  const where = book ? ` on ${shortTitle(book.title)}` : "";
  if (items.length === 0)
    return {
      text: `No notes or highlights${where} yet. Send \`note <title>: …\` or \`quote <title> p12: "…"\`.`,
      bookId: book?.id,
    };
  return { text: [`Latest${where}:`, ...items.map(line)].join("\n"), bookId: book?.id };
}

async function searchTop(d: Deps, cmd: SearchCommand, turn: Turn): Promise<TextReply> {
  const page = await d.search.search(turn.actor, { q: cmd.q, limit: SHOWN });
  if (page.hits.length === 0) return { text: `Nothing found for “${shortTitle(cmd.q)}”.` };
  const titles = new Map<string, string>();
  for (const id of new Set(page.hits.map((h) => h.bookId).filter((b): b is string => !!b))) {
    const b = await d.booksRepo.byId(turn.actor.userId, id);
    if (b) titles.set(id, b.title);
  }
  const lines = page.hits.map((h) => {
    const book = h.bookId ? titles.get(h.bookId) : undefined;
    if (h.kind === "book") return `• book: ${shortTitle(h.title?.text ?? book ?? "")}`;
    const text = cut(h.snippet.text);
    return `• ${h.kind}${book ? ` (${shortTitle(book, 40)})` : ""}: ${h.snippet.cutStart ? "…" : ""}${text}`;
  });
  return { text: [`Top results for “${shortTitle(cmd.q)}”:`, ...lines].join("\n") };
}

/** `note dune: …`, `quote dune p12: "…"` (or a quote replying to a reminder): the notes module's free text. */
export function noteTextCommands(d: Deps): TextCommandDef {
  return {
    name: "notes",
    kinds: ["note", "quote"],
    reserved: ["note", "quote", "highlight"],
    parse: { stage: "freeform", order: 10, read: (m) => parseNoteOrQuote(m.text) },
    isCommand: (v) => isNoteCommand(v) || isQuoteCommand(v),
    handle: (cmd, turn) =>
      cmd.kind === "note" ? saveNote(d, cmd as NoteCommand, turn) : saveQuote(d, cmd as QuoteCommand, turn),
    undo: {
      note: async (p, turn) => {
        const id = (p as { id?: unknown }).id;
        const note = isStr(id) ? await d.notes.get(turn.actor, id).catch(() => undefined) : undefined;
        if (!note) return { text: "That note is gone already." };
        await d.notes.remove(turn.actor, note.id);
        return { text: "Undone: removed the note." };
      },
      highlight: async (p, turn) => {
        const id = (p as { id?: unknown }).id;
        const h = isStr(id) ? await d.highlights.get(turn.actor, id).catch(() => undefined) : undefined;
        if (!h) return { text: "That quote is gone already." };
        await d.highlights.remove(turn.actor, h.id);
        return { text: "Undone: removed the quote." };
      },
    },
    help: {
      lines: [{ order: 65, line: 'note dune: … — a note · quote dune p12: "…" — a highlight' }],
      topics: {
        notes:
          'note dune: text — a note on Dune (note: text — on no book). quote dune p12: "text" — a highlight ' +
          "with its page (reply to a reminder to skip the title). notes dune — the latest few. search words — find.",
      },
      aliases: { note: "notes", quote: "notes", highlights: "notes", search: "notes" },
    },
  };
}

/** `notes [title]` and `search <words>`: reading back what was kept. */
export function noteQueryCommands(d: Deps): TextCommandDef {
  return {
    name: "notes-queries",
    kinds: ["notesList", "search"],
    reserved: ["notes", "highlights", "search", "find"],
    exact: { notes: { kind: "notesList" }, highlights: { kind: "notesList" } },
    parse: {
      stage: "keyword",
      order: 90,
      read(m) {
        if (m.verb === "notes" || m.verb === "highlights") {
          const title = titleOf(m.rest);
          if (isFailure(title)) return title;
          return title === undefined ? { kind: "notesList" } : { kind: "notesList", title };
        }
        if (m.verb === "search" || m.verb === "find") {
          const q = m.rest.trim();
          if (!q) return fail("missing_argument", "Search for what? e.g. `search spice`.");
          return { kind: "search", q: q.slice(0, 1000) };
        }
        return undefined;
      },
    },
    isCommand: (v) => {
      const c = v as Record<string, unknown>;
      return (c?.kind === "notesList" && isOptStr(c.title)) || (c?.kind === "search" && isStr(c.q));
    },
    handle: (cmd, turn) =>
      cmd.kind === "search"
        ? searchTop(d, cmd as SearchCommand, turn)
        : listLatest(d, cmd as ListCommand, turn),
    help: {
      lines: [{ order: 66, line: "notes dune — the latest notes and highlights · search <words> — find" }],
    },
  };
}
