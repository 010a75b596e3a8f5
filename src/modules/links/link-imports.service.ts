import { type Actor, requireScope } from "../../platform/access/actor.js";
import type { ImportBytes, LinkImportItem, LinkImportProblem } from "./imports/link-import.js";
import { saveableUrl } from "./link-url.js";
import type { LinksRepo } from "./links.repo.js";
import type { LinksService } from "./links.service.js";

export const LINK_IMPORT_FORMATS = ["pocket", "instapaper", "omnivore", "bookmarks"] as const;
export type LinkImportFormat = (typeof LINK_IMPORT_FORMATS)[number];

/** Listed in a report (the counts cover everything). */
const MAX_LISTED = 1000;
/** Imported links are fetched this far apart (besides each site's own politeness delay). */
export const IMPORT_SPACING_MS = 250;

export interface LinkImportResult {
  line: number;
  url: string;
  action: "saved" | "existing";
  /** Null for one a dry run would save. */
  linkId: string | null;
}

export interface LinkImportReport {
  format: LinkImportFormat;
  dryRun: boolean;
  rows: number;
  saved: number;
  existing: number;
  rowsWithProblems: number;
  problemCount: number;
  problems: LinkImportProblem[];
  results: LinkImportResult[];
}

async function parserFor(format: LinkImportFormat) {
  switch (format) {
    case "pocket":
      return (await import("./imports/pocket-csv.js")).parsePocketCsv;
    case "instapaper":
      return (await import("./imports/instapaper-csv.js")).parseInstapaperCsv;
    case "omnivore":
      return (await import("./imports/omnivore-export.js")).parseOmnivoreExport;
    case "bookmarks":
      return (await import("./imports/netscape-bookmarks.js")).parseNetscapeBookmarks;
  }
}

/**
 * Imports a Pocket or Instapaper CSV, an Omnivore export or a browser's bookmarks file: each usable row is
 * saved as the API saves a link (the same article twice is one entry, so importing a file again changes
 * nothing), its fetch queued at a bounded rate; every problem is reported with its line.
 */
export class LinkImports {
  constructor(private readonly d: { links: LinksService; repo: LinksRepo }) {}

  async run(
    actor: Actor,
    format: LinkImportFormat,
    source: ImportBytes,
    opts: { dryRun: boolean; maxBytes: number },
  ): Promise<LinkImportReport> {
    requireScope(actor, "write");
    const parse = await parserFor(format);
    const report: LinkImportReport = {
      format,
      dryRun: opts.dryRun,
      rows: 0,
      saved: 0,
      existing: 0,
      rowsWithProblems: 0,
      problemCount: 0,
      problems: [],
      results: [],
    };
    const seen = new Set<string>();
    for await (const item of parse(source, { maxBytes: opts.maxBytes })) {
      if (item.line > 0 || item.row) report.rows++;
      this.problems(report, item);
      if (!item.row) continue;
      const row = item.row;
      let canonical: string;
      try {
        canonical = saveableUrl(row.url).canonical;
      } catch {
        this.problems(report, {
          line: item.line,
          problems: [{ line: item.line, field: "url", rule: "http-url", message: "is not an http(s) URL" }],
        });
        continue;
      }
      let result: LinkImportResult;
      if (opts.dryRun) {
        const had =
          seen.has(canonical) || (await this.d.repo.byCanonical(actor.userId, canonical)) !== undefined;
        seen.add(canonical);
        result = { line: item.line, url: row.url, action: had ? "existing" : "saved", linkId: null };
      } else {
        const saved = await this.d.links.save(actor, {
          url: row.url,
          title: row.title ?? null,
          tags: row.tags,
          source: "import",
          savedAt: row.savedAt,
          archived: row.state === "archived",
          favourite: row.state === "favourite",
          fetchDelayMs: report.saved * IMPORT_SPACING_MS,
        });
        result = {
          line: item.line,
          url: row.url,
          action: saved.created ? "saved" : "existing",
          linkId: saved.link.id,
        };
      }
      if (result.action === "saved") report.saved++;
      else report.existing++;
      if (report.results.length < MAX_LISTED) report.results.push(result);
    }
    return report;
  }

  private problems(report: LinkImportReport, item: LinkImportItem): void {
    if (item.problems.length === 0) return;
    if (!item.row) report.rowsWithProblems++;
    report.problemCount += item.problems.length;
    for (const p of item.problems) if (report.problems.length < MAX_LISTED) report.problems.push(p);
  }
}
