import { DateTime } from "luxon";
import { type Actor, requireScope } from "../../../platform/access/actor.js";
import {
  type ClippingProblem,
  type KindleClipping,
  readKindleClippings,
} from "../imports/kindle-clippings.js";
import { organizeClippings } from "../imports/kindle-organize.js";
import { type ReadwiseHighlight, readReadwiseCsv } from "../imports/readwise-csv.js";
import { BookMatcher } from "./book-matcher.js";
import { notesImported } from "./import-events.js";
import { type NoteImportReport, ReportBuilder } from "./import-report.js";
import type { ImportRun, NoteImportDeps } from "./import-run.js";
import { KindleWriter } from "./kindle-writer.js";
import { ReadwiseWriter } from "./readwise-writer.js";

export interface ImportOptions {
  dryRun?: boolean;
  maxBytes?: number;
}

/**
 * Device-local times (`YYYY-MM-DDTHH:MM:SS`, Kindle writes no zone) as instants: in the offset the file
 * gives, else in `zone`. The zone's offset is looked up once per local day when it is the same at the
 * day's first and last hour, else once per local hour of that day (a DST change).
 */
export function deviceTime(zone: string): ImportRun["instant"] {
  const hours = new Map<string, number | undefined>();
  const days = new Map<string, number | null | undefined>(); // null: the offset changes that day
  const offsetAt = (hour: string) => {
    if (!hours.has(hour)) {
      const t = DateTime.fromISO(`${hour}:30:00`, { zone });
      hours.set(hour, t.isValid ? t.offset : undefined);
    }
    return hours.get(hour);
  };
  const offsetOf = (local: string) => {
    const day = local.slice(0, 10);
    if (!days.has(day)) {
      const first = offsetAt(`${day}T00`);
      days.set(day, first !== undefined && first === offsetAt(`${day}T23`) ? first : null);
    }
    const known = days.get(day);
    return known === null ? offsetAt(local.slice(0, 13)) : known;
  };
  return (local, utcOffset) => {
    if (!local) return null;
    // Date.parse rolls 30 February over: refuse a time that does not read back as written.
    const wall = Date.parse(`${local}Z`);
    if (Number.isNaN(wall) || new Date(wall).toISOString().slice(0, 19) !== local.slice(0, 19)) return null;
    if (utcOffset) {
      // The parser gives `±HH:MM`: an ISO instant as it stands.
      const t = Date.parse(`${local}${utcOffset}`);
      return Number.isNaN(t) ? null : new Date(t).toISOString();
    }
    const offset = offsetOf(local);
    return offset === undefined ? null : new Date(wall - offset * 60_000).toISOString();
  };
}

/** A dry run's way out of its transaction, carrying the report. */
class DryRun extends Error {
  constructor(readonly report: NoteImportReport) {
    super("dry run");
  }
}

/**
 * Kindle `My Clippings.txt` and Readwise CSV imports: the file is read first (problems per entry, nothing
 * written yet), then everything is written in one transaction — or, for a dry run, written and rolled
 * back, so the report is exactly what the import would do. Entries an earlier import wrote are recognised by
 * their keys and left alone: importing the same file again writes nothing.
 */
export class NoteImportService {
  constructor(private readonly d: NoteImportDeps) {}

  async importKindle(actor: Actor, stream: AsyncIterable<Uint8Array | string>, o: ImportOptions = {}) {
    requireScope(actor, "write");
    const clippings: KindleClipping[] = [];
    const problems: ClippingProblem[] = [];
    for await (const row of readKindleClippings(stream, { maxBytes: o.maxBytes })) {
      if ("clipping" in row) clippings.push(row.clipping);
      else problems.push(row.problem);
    }
    const organized = organizeClippings(clippings);
    return this.run(
      actor,
      "kindle",
      o,
      new ReportBuilder("kindle", !!o.dryRun, problems, clippings.length),
      (r) => new KindleWriter(this.d, r).write(organized),
    );
  }

  async importReadwise(actor: Actor, stream: AsyncIterable<Uint8Array | string>, o: ImportOptions = {}) {
    requireScope(actor, "write");
    const rows: ReadwiseHighlight[] = [];
    const problems: ClippingProblem[] = [];
    for await (const row of readReadwiseCsv(stream, { maxBytes: o.maxBytes })) {
      if ("highlight" in row) rows.push(row.highlight);
      else problems.push(row.problem);
    }
    return this.run(
      actor,
      "readwise",
      o,
      new ReportBuilder("readwise", !!o.dryRun, problems, rows.length),
      (r) => new ReadwiseWriter(this.d, r).write(rows),
    );
  }

  private async run(
    actor: Actor,
    source: "kindle" | "readwise",
    o: ImportOptions,
    report: ReportBuilder,
    write: (r: ImportRun) => Promise<{ bookIds: string[] }>,
  ): Promise<NoteImportReport> {
    const dryRun = !!o.dryRun;
    const at = this.d.clock.now().toISOString();
    const run: ImportRun = {
      actor,
      matcher: new BookMatcher(this.d, actor, source, dryRun),
      report,
      at,
      dryRun,
      instant: deviceTime(actor.timezone),
    };
    try {
      return await this.d.uow.transaction(async () => {
        const { bookIds } = await write(run);
        await run.matcher.remember(at);
        const r = report.done();
        if (r.created + r.updated > 0)
          await this.d.events.record(
            notesImported,
            { source, created: r.created, updated: r.updated, bookIds: bookIds.slice(0, 1000) },
            { aggregateId: actor.userId, ownerId: actor.userId },
          );
        if (dryRun) throw new DryRun(r);
        return r;
      });
    } catch (err) {
      if (err instanceof DryRun) return err.report;
      throw err;
    }
  }
}
