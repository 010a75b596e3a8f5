import type { ClippingProblem } from "../imports/kindle-clippings.js";

/** Listed at most, of problems and of per-entry results. */
export const REPORT_LIMIT = 1000;

export type EntryAction = "created" | "updated" | "unchanged" | "duplicate" | "skipped";

export interface EntryResult {
  line: number;
  /** What the entry is in the source. */
  kind: "highlight" | "note" | "bookmark" | "clip";
  action: EntryAction;
  /** The highlight or note written or matched (null when nothing is kept, or in a dry run for new ones). */
  id: string | null;
  bookId: string | null;
  book: string;
  detail?: string;
}

export interface NoteImportReport {
  format: "kindle" | "readwise";
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  duplicates: number;
  skipped: number;
  rowsWithProblems: number;
  problemCount: number;
  problems: Array<{ line: number; severity: "error" | "warning"; message: string }>;
  books: { matched: number; created: number };
  results: EntryResult[];
  resultsOmitted: number;
}

/** Collects what an import did, entry by entry, into its report. */
export class ReportBuilder {
  readonly report: NoteImportReport;

  constructor(
    format: NoteImportReport["format"],
    dryRun: boolean,
    problems: readonly ClippingProblem[],
    entries: number,
  ) {
    const errors = problems.filter((p) => p.severity === "error").length;
    this.report = {
      format,
      dryRun,
      rows: entries + errors,
      created: 0,
      updated: 0,
      unchanged: 0,
      duplicates: 0,
      skipped: 0,
      rowsWithProblems: errors,
      problemCount: problems.length,
      problems: problems
        .slice(0, REPORT_LIMIT)
        .map((p) => ({ line: p.line, severity: p.severity, message: p.message })),
      books: { matched: 0, created: 0 },
      results: [],
      resultsOmitted: 0,
    };
  }

  add(r: EntryResult): void {
    const counts = {
      created: "created",
      updated: "updated",
      unchanged: "unchanged",
      duplicate: "duplicates",
      skipped: "skipped",
    } as const;
    this.report[counts[r.action]]++;
    if (this.report.results.length < REPORT_LIMIT) this.report.results.push(r);
    else this.report.resultsOmitted++;
  }

  warn(line: number, message: string): void {
    this.report.problemCount++;
    if (this.report.problems.length < REPORT_LIMIT)
      this.report.problems.push({ line, severity: "warning", message });
  }

  book(action: "matched" | "created" | "new"): void {
    this.report.books[action === "matched" ? "matched" : "created"]++;
  }

  /** Results in file order. */
  done(): NoteImportReport {
    this.report.results.sort((a, b) => a.line - b.line);
    return this.report;
  }
}
