// Child process of the notes bench (so its peak RSS is the parse's own, not the bench's): reads a
// clippings file and prints one JSON line of figures. Modes: `baseline` (stream + decode + count the
// separators: the I/O floor) and `parse` (readKindleClippings + organizeClippings, then the same file again
// against the first pass's keys, as a re-import compares).
import { createReadStream } from "node:fs";
import type { KindleClipping } from "../../src/modules/notes/imports/kindle-clippings.js";
import { readKindleClippings } from "../../src/modules/notes/imports/kindle-clippings.js";
import { organizeClippings } from "../../src/modules/notes/imports/kindle-organize.js";

const [file, mode] = process.argv.slice(2);
if (!file || (mode !== "baseline" && mode !== "parse"))
  throw new Error("usage: kindle-parse-child <file> baseline|parse");
const open = () => createReadStream(file, { highWaterMark: 64 * 1024 });
const maxRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

if (mode === "baseline") {
  const t = performance.now();
  let separators = 0;
  let rest = "";
  const decoder = new TextDecoder();
  for await (const chunk of open()) {
    const lines = (rest + decoder.decode(chunk, { stream: true })).split("\n");
    rest = lines.pop() ?? "";
    for (const l of lines) if (l === "==========\r" || l === "==========") separators++;
  }
  console.log(JSON.stringify({ ms: Math.round(performance.now() - t), maxRssMb: maxRssMb(), separators }));
} else {
  const t0 = performance.now();
  const clippings: KindleClipping[] = [];
  let problems = 0;
  for await (const row of readKindleClippings(open())) {
    if ("clipping" in row) clippings.push(row.clipping);
    else problems++;
  }
  const organized = organizeClippings(clippings);
  const parseMs = Math.round(performance.now() - t0);
  const rssAfterParse = maxRssMb();
  const known = new Set(clippings.map((c) => c.key));
  const t1 = performance.now();
  let fresh = 0;
  let seen = 0;
  for await (const row of readKindleClippings(open())) {
    if ("clipping" in row) {
      seen++;
      if (!known.has(row.clipping.key)) fresh++;
    }
  }
  const reimportMs = Math.round(performance.now() - t1);
  console.log(
    JSON.stringify({
      parseMs,
      maxRssMbAfterParse: rssAfterParse,
      reimportMs,
      maxRssMb: maxRssMb(),
      entries: clippings.length,
      problems,
      highlights: organized.highlights.length,
      revisionsKeptAsHistory: organized.highlights.reduce((n, h) => n + h.history.length, 0),
      notesAttached: organized.highlights.reduce((n, h) => n + h.notes.length, 0),
      standaloneNotes: organized.notes.length,
      bookmarks: organized.bookmarks.length,
      duplicates: organized.duplicates,
      reimportSeen: seen,
      reimportNew: fresh,
    }),
  );
}
