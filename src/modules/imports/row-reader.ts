import { compactIsbn, parseIsbn } from "../books/isbn.js";
import type { ImportFormat, ImportProblem, ImportRecord, ReadDates } from "./import-record.js";

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY/MM/DD` or `YYYY-MM-DD` → `YYYY-MM-DD`; an error message for impossible or malformed dates. */
export function parseExportDate(raw: string): { day: string } | { error: string } {
  const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(raw.trim());
  if (!m) return { error: `${JSON.stringify(raw)} is not a date (YYYY/MM/DD expected)` };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const max = mo === 2 && leap ? 29 : (DAYS_IN_MONTH[mo - 1] ?? 0);
  if (mo < 1 || mo > 12 || d < 1 || d > max) return { error: `${raw.trim()} is not a real date` };
  return { day: `${m[1]}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}` };
}

/** Unwraps a spreadsheet formula cell `="0465042333"` (after CSV unquoting) to `0465042333`; `=""` → "". */
export function unwrapFormula(raw: string): string {
  const m = /^\s*="(.*)"\s*$/s.exec(raw);
  return (m ? m[1]! : raw).trim();
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Goodreads review HTML → plain text: `<br/>` and paragraphs become newlines, other tags go, entities decode. */
export function htmlToText(html: string): string {
  if (!/[<&\r]/.test(html)) return html.trim();
  return html
    .replace(/\r\n?/g, "\n")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/p\s*>/gi, "\n\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] !== "#") return ENTITIES[name.toLowerCase()] ?? whole;
      const code =
        name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    })
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** A comma-separated list, trimmed, without empties or duplicates. */
export function splitList(raw: string): string[] {
  return [
    ...new Set(
      raw
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== ""),
    ),
  ];
}

const lowered = new Map<string, string>();
/** Column names come from a small fixed set: remember their lower-case forms instead of recomputing per cell. */
function lower(column: string): string {
  let l = lowered.get(column);
  if (l === undefined) {
    l = column.toLowerCase();
    if (lowered.size < 1000) lowered.set(column, l);
  }
  return l;
}

/** Reads one CSV row by column name and collects its problems instead of throwing. */
export class RowReader {
  readonly problems: ImportProblem[] = [];

  constructor(
    private readonly columns: ReadonlyMap<string, number>,
    private readonly fields: readonly string[],
    readonly line: number,
  ) {}

  /** Records a problem with one column. */
  fail(field: string, message: string): void {
    this.problems.push({ line: this.line, field, message });
  }

  /** The raw cell, trimmed; "" when empty or when the column is absent from this variant. */
  text(column: string): string {
    const at = this.columns.get(lower(column));
    return at === undefined ? "" : (this.fields[at] ?? "").trim();
  }

  /** True when the header has this column. */
  has(column: string): boolean {
    return this.columns.has(lower(column));
  }

  /** A date cell as `YYYY-MM-DD`; undefined when empty or invalid (then a problem is recorded). */
  date(column: string): string | undefined {
    const raw = this.text(column);
    return raw === "" ? undefined : this.day(column, raw);
  }

  /** Parses one date value of a column, recording a problem when it is invalid. */
  day(column: string, raw: string): string | undefined {
    const r = parseExportDate(raw);
    if ("error" in r) {
      this.fail(column, r.error);
      return undefined;
    }
    return r.day;
  }

  /** A whole number in [min, max]; undefined when empty or invalid (then a problem is recorded). */
  int(column: string, min: number, max: number): number | undefined {
    const raw = this.text(column);
    if (raw === "") return undefined;
    const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      this.fail(column, `${JSON.stringify(raw)} is not a whole number from ${min} to ${max}`);
      return undefined;
    }
    return n;
  }

  /** A star rating 0–5 (`fractional` allows 4.5, 3.75); 0 and empty mean unrated → undefined. */
  rating(column: string, fractional: boolean): number | undefined {
    const raw = this.text(column);
    if (raw === "") return undefined;
    const ok = fractional ? /^\d(\.\d+)?$/.test(raw) : /^\d$/.test(raw);
    const n = Number(raw);
    if (!ok || n > 5) {
      this.fail(
        column,
        `${JSON.stringify(raw)} is not a rating from 0 to 5${fractional ? "" : " in whole stars"}`,
      );
      return undefined;
    }
    return n === 0 ? undefined : n;
  }

  /** A validated ISBN (formula form accepted); undefined when empty or invalid (then a problem is recorded). */
  isbn(
    column: string,
    raw = unwrapFormula(this.text(column)),
  ): { isbn10?: string; isbn13?: string } | undefined {
    if (raw === "") return undefined;
    const r = parseIsbn(raw);
    if (!r) {
      const digits = compactIsbn(raw);
      const why = /^\d{9}[\dX]$|^\d{13}$/.test(digits)
        ? "its check digit is wrong"
        : "an ISBN has 10 or 13 digits";
      this.fail(column, `${raw} is not a valid ISBN: ${why}`);
      return undefined;
    }
    return r.isbn10 ? { isbn10: r.isbn10, isbn13: r.isbn13 } : { isbn13: r.isbn13 };
  }
}

const DATE = String.raw`\d{4}[/-]\d{1,2}[/-]\d{1,2}`;
const RANGE = new RegExp(`^(${DATE})?\\s*-\\s*(${DATE})?$`);

/** StoryGraph `Dates Read`: `2025/04/19-2025/04/21, 2024/01/02-`, or single days (end days unless `openEnded`). */
export function parseDateRanges(row: RowReader, column: string, openEnded: boolean): ReadDates[] {
  const raw = row.text(column);
  if (raw === "") return [];
  const out: ReadDates[] = [];
  const parts = raw.split(",").map((p) => p.trim());
  parts.forEach((part, i) => {
    if (part === "") return;
    const m = RANGE.exec(part);
    if (!m) {
      const day = row.day(column, part);
      const last = i === parts.length - 1;
      if (day) out.push(openEnded && last ? { start: day } : { end: day });
      return;
    }
    const range: ReadDates = {};
    if (m[1]) range.start = row.day(column, m[1]);
    if (m[2]) range.end = row.day(column, m[2]);
    if (range.start && range.end && range.start > range.end)
      row.fail(column, `the range ${part} ends before it starts`);
    if (range.start || range.end) out.push(range);
  });
  return out;
}

/** How one export format maps its columns (matched by name, case-insensitively) to an `ImportRecord`. */
export interface FormatSpec {
  format: ImportFormat;
  /** The service's name as users know it. */
  label: string;
  /** Columns every variant of the export has; a header lacking one is refused. */
  required: readonly string[];
  /** Maps one row; undefined when the row has problems (recorded on `row`). */
  mapRow(row: RowReader): ImportRecord | undefined;
}
