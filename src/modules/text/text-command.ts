/**
 * The shared parts of the text command language (DESIGN.md §5): the amounts and days progress commands are
 * made of, the language's own commands (a bare number, yes/no, help, undo) and the checks every definition
 * uses to validate stored commands. Each module's definitions add their own commands (text-registry.ts).
 */

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
 * Progress commands. Titles are the user's words (NFC, trimmed), not resolved books; an absent `title`
 * means "the only book being read, or the one the last prompt asked about". `correction`: the sender said
 * the page corrects the last one (`correct dune 90`), so a page below it is recorded without asking.
 */
export type ProgressCommand =
  /** Reached `page` (and, with `totalPages`, the book has that many pages). */
  | { kind: "page"; page: number; title?: string; totalPages?: number; on?: DayRef; correction?: true }
  /** Read `pages` more than the last entry. */
  | { kind: "delta"; pages: number; title?: string; on?: DayRef }
  /** Reached `percent` (0–100, up to two decimals) of the book. */
  | { kind: "percent"; percent: number; title?: string; on?: DayRef; correction?: true };

/** A bare positive integer: a numbered-choice answer, a grade while reviewing, else a page. */
export type NumberCommand = { kind: "number"; value: number };

/** FSRS ratings: 1 again, 2 hard, 3 good, 4 easy. */
export type Grade = 1 | 2 | 3 | 4;

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
export const isStr = (v: unknown): v is string => typeof v === "string";
/** Absent, or a string with something in it. */
export const isOptStr = (v: unknown) => v === undefined || (isStr(v) && v.trim().length > 0);
export const isPosInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;
const isOptCorrection = (v: unknown) => v === undefined || v === true;
/** Absent, or a well-formed DayRef. */
export const isOptDay = (v: unknown): boolean => {
  if (v === undefined) return true;
  if (typeof v !== "object" || v === null) return false;
  const d = v as { kind?: unknown; date?: unknown; daysAgo?: unknown };
  const dateOk = d.date === undefined || (isStr(d.date) && DATE_RE.test(d.date));
  if (d.kind === "explicit") return isStr(d.date) && dateOk;
  if (d.kind === "yesterday") return dateOk;
  return d.kind === "relative" && isPosInt(d.daysAgo) && dateOk;
};

/** A structural check of a stored progress command. */
export function isProgressCommand(v: unknown): v is ProgressCommand {
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
    default:
      return false;
  }
}
