import { unzipSync } from "fflate";
import {
  DEFAULT_MAX_IMPORT_BYTES,
  fileProblem,
  type ImportBytes,
  type LinkImportItem,
  type LinkState,
  RowProblems,
  readIsoTime,
  readTags,
  readTitle,
  readUrl,
} from "./link-import.js";

// Omnivore's export (its cloud closed in November 2024): a zip holding `metadata_<from>_to_<to>.json`
// files, each a JSON array of saved items ({ id, slug, title, description, author, url, state,
// readingProgress, thumbnail, labels, savedAt, updatedAt, publishedAt }), plus content/ and
// highlights/ folders this parser does not need. A bare metadata JSON file is accepted too.

const METADATA = /(?:^|\/)metadata_\d+_to_\d+\.json$/;
/** Cap on one metadata file once unzipped: a zip bomb fails here instead of filling memory. */
const MAX_METADATA_BYTES = 50 * 1024 * 1024;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

async function collect(source: ImportBytes, maxBytes: number): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of source) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    size += buf.byteLength;
    if (size > maxBytes) return undefined;
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size);
}

function entry(item: Json, n: number, file: string): LinkImportItem {
  const p = new RowProblems(n);
  if (typeof item !== "object" || item === null || Array.isArray(item)) {
    p.add("item", "object", `entry ${n} of ${file} is not an object`);
    return { line: n, problems: p.list };
  }
  const str = (k: string) => (typeof item[k] === "string" ? (item[k] as string) : undefined);
  const url = readUrl(str("url") ?? str("originalUrl"), "url", p);
  const state = str("state")?.toLowerCase();
  if (state === "deleted") {
    p.add("state", "deleted", "the item was deleted in Omnivore; not imported");
    return { line: n, problems: p.list };
  }
  let linkState: LinkState = state === "archived" ? "archived" : "unread";
  const labels = Array.isArray(item.labels) ? item.labels : [];
  const names = labels.flatMap((l) =>
    typeof l === "string"
      ? [l]
      : l && typeof l === "object" && !Array.isArray(l) && typeof l.name === "string"
        ? [l.name]
        : [],
  );
  if (names.some((l) => l.toLowerCase() === "favorites" || l.toLowerCase() === "favourites"))
    linkState = "favourite";
  const tags = readTags(
    names.filter((l) => !/^favou?rites$/i.test(l)),
    "labels",
    p,
  );
  const savedAt = readIsoTime(item.savedAt, "savedAt", p);
  if (!url) return { line: n, problems: p.list };
  return {
    line: n,
    row: { url, title: readTitle(str("title")), tags, savedAt, state: linkState },
    problems: p.list,
  };
}

function* entries(text: string, file: string, first: number): Generator<LinkImportItem, number> {
  let data: Json;
  try {
    data = JSON.parse(text);
  } catch (err) {
    yield fileProblem(
      first,
      "json",
      `${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
    return first;
  }
  if (!Array.isArray(data)) {
    yield fileProblem(first, "json", `${file} is not a JSON list of saved items`);
    return first;
  }
  let n = first;
  for (const item of data) yield entry(item, n++, file);
  return n;
}

/** Reads an Omnivore export (the zip, or one metadata JSON file); entries are numbered from 1 across files. */
export async function* parseOmnivoreExport(
  source: ImportBytes,
  options: { maxBytes?: number } = {},
): AsyncGenerator<LinkImportItem> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IMPORT_BYTES;
  const bytes = await collect(source, maxBytes);
  if (!bytes) {
    yield fileProblem(0, "too-large", `the file is larger than ${Math.round(maxBytes / 1_048_576)} MB`);
    return;
  }
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (!isZip) {
    yield* entries(new TextDecoder().decode(bytes), "the file", 1);
    return;
  }
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => METADATA.test(f.name) && f.originalSize <= MAX_METADATA_BYTES,
    });
  } catch (err) {
    yield fileProblem(
      0,
      "zip",
      `the zip file is damaged: ${err instanceof Error ? err.message : String(err)}`,
    );
    return;
  }
  const names = Object.keys(files).sort((a, b) => firstIndex(a) - firstIndex(b));
  if (names.length === 0) {
    yield fileProblem(
      0,
      "omnivore-metadata",
      "no metadata_*_to_*.json file in the zip: not an Omnivore export",
    );
    return;
  }
  let n = 1;
  for (const name of names) {
    const data = files[name];
    if (!data || data.byteLength > MAX_METADATA_BYTES) {
      yield fileProblem(
        n,
        "too-large",
        `${name} is larger than ${MAX_METADATA_BYTES / 1_048_576} MB unzipped`,
      );
      continue;
    }
    n = yield* entries(new TextDecoder().decode(data), name, n);
  }
}

function firstIndex(name: string): number {
  return Number(/metadata_(\d+)_to_/.exec(name)?.[1] ?? 0);
}
