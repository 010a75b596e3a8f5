/**
 * The meanings of the text command language (DESIGN.md §5). `parseText` turns a message into one of
 * these; it knows nothing about the user's books or conversation, so anything that depends on state
 * (which book a title means, what a bare number answers) is left for the caller to resolve.
 */

/** Shelf moves. `resume` puts a paused book back to reading. */
export type ShelfAction = "start" | "want" | "finished" | "pause" | "drop" | "resume";
/** Every shelf action, for validation and schemas. */
export const SHELF_ACTIONS: readonly ShelfAction[] = ["start", "want", "finished", "pause", "drop", "resume"];

/** The short summaries. */
export type SummaryKind = "today" | "week" | "books" | "streak";
/** Every summary, for validation and schemas. */
export const SUMMARY_KINDS: readonly SummaryKind[] = ["today", "week", "books", "streak"];

/** FSRS ratings: 1 again, 2 hard, 3 good, 4 easy. */
export type Grade = 1 | 2 | 3 | 4;

/** Ways to leave or defer the current review card. */
export type ReviewAction = "skip" | "later" | "stop";
/** Every review action, for validation and schemas. */
export const REVIEW_ACTIONS: readonly ReviewAction[] = ["skip", "later", "stop"];

/**
 * The local day a progress entry is for, when it is not today. `date` (YYYY-MM-DD) is filled in
 * whenever it can be computed: always for `explicit`, and for the others when `today` was given.
 */
export type DayRef =
  | { kind: "yesterday"; date?: string }
  | { kind: "explicit"; date: string }
  | { kind: "relative"; daysAgo: number; date?: string };

/** Why a message was not understood, for machines; `reason` is the sentence for people. */
export type UnknownCode =
  | "empty"
  | "too_long"
  | "not_understood"
  | "missing_argument"
  | "out_of_range"
  | "invalid_date";

/**
 * One parsed message. Titles are the user's words (NFC, trimmed), not resolved books: match them with
 * `matchTitle`. An absent `title` means "the only book being read, or the one the last prompt asked about".
 */
export type TextCommand =
  /**
   * Reached `page` (and, with `totalPages`, the book has that many pages). `correction`: the sender said
   * the page corrects the last one (`correct dune 90`), so a page below it is recorded without asking.
   */
  | { kind: "page"; page: number; title?: string; totalPages?: number; on?: DayRef; correction?: true }
  /** Read `pages` more than the last entry. */
  | { kind: "delta"; pages: number; title?: string; on?: DayRef }
  /** Reached `percent` (0–100, up to two decimals) of the book; `correction` as for `page`. */
  | { kind: "percent"; percent: number; title?: string; on?: DayRef; correction?: true }
  /** A bare positive integer: a numbered-choice answer, a review grade or a page. See `resolveBareNumber`. */
  | { kind: "number"; value: number }
  | { kind: "shelf"; action: ShelfAction; title?: string }
  | { kind: "note"; text: string; title?: string }
  | { kind: "quote"; text: string; title?: string; page?: number }
  /** Save links for later reading; `comment` is the rest of the message, if any. */
  | { kind: "link"; urls: string[]; comment?: string }
  | { kind: "summary"; what: SummaryKind }
  | { kind: "review" }
  | { kind: "grade"; grade: Grade }
  /** `stop` ends a review session; outside one the caller may treat it as a request to stop reminders. */
  | { kind: "reviewControl"; action: ReviewAction }
  | { kind: "snooze"; minutes: number }
  /** Pause reminders for `minutes`, or until `resume` when absent. */
  | { kind: "pauseReminders"; minutes?: number }
  | { kind: "resumeReminders" }
  | { kind: "undo" }
  /** `yes` / `no` to the question the last reply asked (e.g. "is 90 a correction?"). */
  | { kind: "answer"; yes: boolean }
  | { kind: "help"; topic?: string }
  | { kind: "unknown"; code: UnknownCode; reason: string };

/** The discriminant of `TextCommand`. */
export type TextCommandKind = TextCommand["kind"];

/** What the caller knows about the conversation when a bare number arrives. */
export interface ConversationState {
  /** How many numbered choices the last prompt offered (0 or absent: none pending). */
  pendingChoices?: number;
  /** Whether a review card is waiting for a grade. */
  reviewing?: boolean;
}

/** The meaning of a bare number once the conversation is known. `choice` is 1-based. */
export type BareNumberMeaning =
  | { kind: "choice"; choice: number }
  | { kind: "grade"; grade: Grade }
  | { kind: "page"; page: number };

/**
 * Resolves a bare number: an answer to a pending numbered choice when it is in range, else a grade while
 * reviewing when it is 1–4, else a page of the only/last-prompted book. The most recent prompt wins, so a
 * caller should not keep a pending choice and a review open at once.
 */
export function resolveBareNumber(value: number, state: ConversationState): BareNumberMeaning {
  const n = state.pendingChoices ?? 0;
  if (n > 0 && value >= 1 && value <= n) return { kind: "choice", choice: value };
  if (state.reviewing && value >= 1 && value <= 4) return { kind: "grade", grade: value as Grade };
  return { kind: "page", page: value };
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const isStr = (v: unknown): v is string => typeof v === "string";
const isOptStr = (v: unknown) => v === undefined || (isStr(v) && v.trim().length > 0);
const isPosInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;
const isOptCorrection = (v: unknown) => v === undefined || v === true;
const isOptDay = (v: unknown): boolean => {
  if (v === undefined) return true;
  if (typeof v !== "object" || v === null) return false;
  const d = v as { kind?: unknown; date?: unknown; daysAgo?: unknown };
  const dateOk = d.date === undefined || (isStr(d.date) && DATE_RE.test(d.date));
  if (d.kind === "explicit") return isStr(d.date) && dateOk;
  if (d.kind === "yesterday") return dateOk;
  return d.kind === "relative" && isPosInt(d.daysAgo) && dateOk;
};

/** A structural check of a value against `TextCommand` (used by tests and at trust boundaries). */
export function isTextCommand(v: unknown): v is TextCommand {
  if (typeof v !== "object" || v === null) return false;
  const c = v as Record<string, unknown>;
  switch (c.kind) {
    case "page":
      return (
        isPosInt(c.page) &&
        isOptStr(c.title) &&
        isOptDay(c.on) &&
        isOptCorrection(c.correction) &&
        (c.totalPages === undefined || (isPosInt(c.totalPages) && c.totalPages >= c.page))
      );
    case "delta":
      return isPosInt(c.pages) && isOptStr(c.title) && isOptDay(c.on);
    case "percent":
      return (
        typeof c.percent === "number" &&
        c.percent >= 0 &&
        c.percent <= 100 &&
        isOptStr(c.title) &&
        isOptDay(c.on) &&
        isOptCorrection(c.correction)
      );
    case "number":
      return isPosInt(c.value);
    case "shelf":
      return SHELF_ACTIONS.includes(c.action as ShelfAction) && isOptStr(c.title);
    case "note":
      return isStr(c.text) && c.text.trim().length > 0 && isOptStr(c.title);
    case "quote":
      return (
        isStr(c.text) &&
        c.text.trim().length > 0 &&
        isOptStr(c.title) &&
        (c.page === undefined || isPosInt(c.page))
      );
    case "link":
      return (
        Array.isArray(c.urls) &&
        c.urls.length > 0 &&
        c.urls.every((u) => isStr(u) && /^https?:\/\//i.test(u)) &&
        isOptStr(c.comment)
      );
    case "summary":
      return SUMMARY_KINDS.includes(c.what as SummaryKind);
    case "grade":
      return c.grade === 1 || c.grade === 2 || c.grade === 3 || c.grade === 4;
    case "reviewControl":
      return REVIEW_ACTIONS.includes(c.action as ReviewAction);
    case "snooze":
      return isPosInt(c.minutes);
    case "pauseReminders":
      return c.minutes === undefined || isPosInt(c.minutes);
    case "answer":
      return typeof c.yes === "boolean";
    case "help":
      return isOptStr(c.topic);
    case "review":
    case "resumeReminders":
    case "undo":
      return true;
    case "unknown":
      return isStr(c.code) && isStr(c.reason) && c.reason.length > 0;
    default:
      return false;
  }
}
