import { csvLinks } from "./csv-rows.js";
import {
  type ImportBytes,
  type LinkImportItem,
  RowProblems,
  readTags,
  readTitle,
  readUnixSeconds,
  readUrl,
} from "./link-import.js";

/**
 * Pocket's export CSV (the export Pocket offered until it closed in 2025):
 * `title,url,time_added,cursor,tags,status`, tags separated by `|`, status `unread` or `archive`,
 * time_added in Unix seconds. Columns are found by name.
 */
export function parsePocketCsv(
  source: ImportBytes,
  options: { maxBytes?: number } = {},
): AsyncGenerator<LinkImportItem> {
  return csvLinks(
    source,
    ["url"],
    (r) => {
      const p = new RowProblems(r.line);
      const url = readUrl(r.get("url"), "url", p);
      const status = (r.get("status") ?? "").trim().toLowerCase();
      let state: "unread" | "archived" | undefined;
      if (status === "unread") state = "unread";
      else if (status === "archive" || status === "archived") state = "archived";
      else if (status !== "")
        p.add("status", "one-of", `status ${JSON.stringify(status)} is neither unread nor archive`);
      const tags = readTags((r.get("tags") ?? "").split("|"), "tags", p);
      const savedAt = readUnixSeconds(r.get("time_added"), "time_added", p);
      if (!url) return { line: r.line, problems: p.list };
      return {
        line: r.line,
        row: { url, title: readTitle(r.get("title")), tags, savedAt, state },
        problems: p.list,
      };
    },
    { ...options, formatName: "Pocket" },
  );
}
