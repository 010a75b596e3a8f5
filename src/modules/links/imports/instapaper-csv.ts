import { csvLinks } from "./csv-rows.js";
import {
  type ImportBytes,
  type LinkImportItem,
  type LinkState,
  RowProblems,
  readTags,
  readTitle,
  readUnixSeconds,
  readUrl,
} from "./link-import.js";

/**
 * Instapaper's CSV export: `URL,Title,Selection,Folder,Timestamp` (newer exports add `Tags`, a JSON
 * array of strings). Folder is `Unread`, `Archive`, `Starred`, or a folder of the user's own, which
 * becomes a tag (the link itself is then unread). Timestamp is in Unix seconds.
 */
export function parseInstapaperCsv(
  source: ImportBytes,
  options: { maxBytes?: number } = {},
): AsyncGenerator<LinkImportItem> {
  return csvLinks(
    source,
    ["url"],
    (r) => {
      const p = new RowProblems(r.line);
      const url = readUrl(r.get("url"), "URL", p);
      const folder = (r.get("folder") ?? "").trim();
      const raw: string[] = [];
      let state: LinkState | undefined;
      const f = folder.toLowerCase();
      if (f === "unread") state = "unread";
      else if (f === "archive") state = "archived";
      else if (f === "starred") state = "favourite";
      else if (folder !== "") raw.push(folder);
      const tagCell = (r.get("tags") ?? "").trim();
      if (tagCell !== "" && tagCell !== "[]") {
        try {
          const parsed: unknown = JSON.parse(tagCell);
          if (Array.isArray(parsed) && parsed.every((t) => typeof t === "string")) raw.push(...parsed);
          else p.add("Tags", "json-strings", "Tags is not a JSON list of strings");
        } catch {
          p.add("Tags", "json-strings", "Tags is not a JSON list of strings");
        }
      }
      const tags = readTags(raw, "Tags", p);
      const savedAt = readUnixSeconds(r.get("timestamp"), "Timestamp", p);
      if (!url) return { line: r.line, problems: p.list };
      return {
        line: r.line,
        row: { url, title: readTitle(r.get("title")), tags, savedAt, state },
        problems: p.list,
      };
    },
    { ...options, formatName: "Instapaper" },
  );
}
