import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

/** The trafilatura evaluation set: ../shared/data/extraction/trafilatura (see ../shared/data/README.md). */
export const TRAFILATURA_DIR = fileURLToPath(
  new URL("../../../shared/data/extraction/trafilatura/", import.meta.url),
);

export interface EvalPage {
  url: string;
  file: string;
  /** Snippets the main text must contain … */
  with: string[];
  /** … and must not. */
  without: string[];
}

export function loadEvalSet(dir = TRAFILATURA_DIR): EvalPage[] {
  const raw: Record<string, { file: string; with: string[]; without: string[] }> = JSON.parse(
    readFileSync(`${dir}evaldata.json`, "utf8"),
  );
  return Object.entries(raw).map(([url, e]) => ({ url, file: e.file, with: e.with, without: e.without }));
}

/** A page's bytes as the site would send them (the set stores them gzipped). */
export function pageBytes(page: EvalPage, dir = TRAFILATURA_DIR): Buffer {
  return gunzipSync(readFileSync(`${dir}html/${page.file}.gz`));
}

const squash = (s: string) => s.replace(/\s+/g, " ");

/** Scores one page's text by the set's rules: each `with` found is a TP, missing an FN; each `without` found an FP. */
export function score(page: EvalPage, text: string): { tp: number; fn: number; fp: number } {
  const t = squash(text);
  let tp = 0;
  let fn = 0;
  let fp = 0;
  for (const w of page.with)
    if (t.includes(squash(w))) tp++;
    else fn++;
  for (const w of page.without) if (t.includes(squash(w))) fp++;
  return { tp, fn, fp };
}
