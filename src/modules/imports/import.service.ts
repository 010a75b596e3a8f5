import { type Actor, requireScope } from "../../platform/access/actor.js";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import type { EventLog } from "../../platform/events/event-log.js";
import { localDateOf } from "../../platform/local-date.js";
import { readImportRows } from "./csv-source.js";
import type { ImportRepo } from "./import.repo.js";
import { LibraryMerge, type RowOutcome } from "./import-merge.js";
import type { ImportFormat, ImportProblem, ImportRecord } from "./import-record.js";
import { recordProblems } from "./import-rules.js";
import { libraryImported } from "./imports.events.js";
import { orderedIds } from "./ordered-ids.js";

/** How many problems and row outcomes a report lists; the counts are always complete. */
export const REPORT_LIST_CAP = 1000;

export interface ImportReport {
  format: ImportFormat;
  dryRun: boolean;
  /** Data rows read (usable or not; blank lines are not rows). */
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Rows refused, each with at least one problem. */
  rowsWithProblems: number;
  /** All problems found (a row can have several); `problems` lists the first REPORT_LIST_CAP. */
  problemCount: number;
  problems: ImportProblem[];
  /** One outcome per usable row, in file order; the first REPORT_LIST_CAP. */
  results: RowOutcome[];
  resultsOmitted: number;
}

export interface ImportOptions {
  dryRun?: boolean;
  /** Cap on the file's size in bytes (413 past it). */
  maxBytes?: number;
}

/**
 * Goodreads and StoryGraph imports. The file is read to the end first (streamed, row by row), so a
 * whole-file error — wrong header, too large, UTF-16 — is raised before anything is written. Then the rows
 * are matched and merged against the owner's library in memory and written in one transaction: an import
 * is all written, or (on an error) not at all; refused rows are reported with their line and the others
 * imported. Importing the same file again finds every book and changes nothing. See LibraryMerge for how
 * rows are matched and merged, and plannedReadings for what becomes a read-through.
 */
export class ImportService {
  constructor(private readonly d: { uow: UnitOfWork; repo: ImportRepo; clock: Clock; events: EventLog }) {}

  async importCsv(
    actor: Actor,
    stream: AsyncIterable<Uint8Array | string>,
    format: ImportFormat,
    opts: ImportOptions = {},
  ): Promise<ImportReport> {
    const records: ImportRecord[] = [];
    const problems: ImportProblem[] = [];
    const now = this.d.clock.now();
    for await (const row of readImportRows(stream, format, { maxBytes: opts.maxBytes })) {
      if (!("record" in row)) problems.push(row.problem);
      else {
        const refused = recordProblems(row.record, actor.timezone, now);
        if (refused.length === 0) records.push(row.record);
        else problems.push(...refused);
      }
    }

    if (!opts.dryRun) requireScope(actor, "write");
    const merge = new LibraryMerge(
      { id: actor.userId, timezone: actor.timezone },
      orderedIds(now.getTime()),
      now.toISOString(),
      localDateOf(now, actor.timezone),
    );
    const count = (list: RowOutcome[], a: RowOutcome["action"]) => list.filter((o) => o.action === a).length;
    const run = async () => {
      await merge.load(this.d.repo);
      const outcomes = records.map((r) => merge.merge(r));
      if (!opts.dryRun) {
        await merge.write(this.d.repo);
        const created = count(outcomes, "created");
        const updated = count(outcomes, "updated");
        if (created + updated > 0)
          await this.d.events.record(
            libraryImported,
            { format, created, updated },
            { aggregateId: actor.userId, ownerId: actor.userId },
          );
      }
      return outcomes;
    };
    const outcomes = opts.dryRun ? await run() : await this.d.uow.transaction(run);

    const count1 = (a: RowOutcome["action"]) => count(outcomes, a);
    const rowsWithProblems = new Set(problems.map((p) => p.line)).size;
    return {
      format,
      dryRun: opts.dryRun ?? false,
      rows: records.length + rowsWithProblems,
      created: count1("created"),
      updated: count1("updated"),
      unchanged: count1("unchanged"),
      rowsWithProblems,
      problemCount: problems.length,
      problems: problems.slice(0, REPORT_LIST_CAP),
      results: outcomes
        .slice(0, REPORT_LIST_CAP)
        .map((o) => (opts.dryRun && o.action === "created" ? { ...o, bookId: null } : o)),
      resultsOmitted: Math.max(0, outcomes.length - REPORT_LIST_CAP),
    };
  }
}
