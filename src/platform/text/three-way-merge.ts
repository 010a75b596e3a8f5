import { diffChars } from "diff";

/** One change of a text: `base.slice(start, end)` replaced by `text`. */
export interface Hunk {
  start: number;
  end: number;
  text: string;
}

/**
 * Past this many characters changed a diff gives up on being minimal: one hunk spans the whole change.
 * Myers' diff costs about the text's length times the edits' count, so the limit shrinks as the text grows
 * (`DIFF_BUDGET` steps, tens of milliseconds): the same texts always diff the same way, whatever the
 * machine's load. The timeout is only a last resort, far above what the budget costs.
 */
const MAX_EDIT_LENGTH = 4_000;
const MIN_EDIT_LENGTH = 64;
const DIFF_BUDGET = 20_000_000;
const MAX_DIFF_MS = 2_000;

/** How many changed characters a diff of texts this long may look for. */
export function editLimit(length: number): number {
  return Math.max(MIN_EDIT_LENGTH, Math.min(MAX_EDIT_LENGTH, Math.floor(DIFF_BUDGET / Math.max(1, length))));
}

/**
 * The changes from `a` to `b` as hunks of `a`, in order (positions in UTF-16 units, as JavaScript strings
 * and Y.Text count them; a surrogate pair is never split). The common start and end are trimmed first; a
 * change too large to diff within the bounds is one hunk.
 */
export function hunksOf(a: string, b: string): Hunk[] {
  if (a === b) return [];
  let start = 0;
  const max = Math.min(a.length, b.length);
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && a.charCodeAt(a.length - 1 - end) === b.charCodeAt(b.length - 1 - end)) end++;
  // Never split a surrogate pair at either edge.
  if (start > 0 && isHighSurrogate(a.charCodeAt(start - 1))) start--;
  if (end > 0 && isLowSurrogate(a.charCodeAt(a.length - end))) end--;
  const from = a.slice(start, a.length - end);
  const to = b.slice(start, b.length - end);
  const changes = diffChars(from, to, {
    maxEditLength: editLimit(from.length + to.length),
    timeout: MAX_DIFF_MS,
  });
  if (!changes) return [{ start, end: a.length - end, text: to }];
  const out: Hunk[] = [];
  let at = start;
  for (const c of changes) {
    if (!c.added && !c.removed) {
      at += c.value.length;
      continue;
    }
    const last = out[out.length - 1];
    const open = last && last.end === at ? last : undefined;
    if (c.removed) {
      if (open) open.end += c.value.length;
      else out.push({ start: at, end: at + c.value.length, text: "" });
      at += c.value.length;
    } else if (open) open.text += c.value;
    else out.push({ start: at, end: at, text: c.value });
  }
  return out;
}

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** `base` with the hunks (of base, in order, not overlapping) applied. */
export function applyHunks(base: string, hunks: readonly Hunk[]): string {
  let out = "";
  let at = 0;
  for (const h of hunks) {
    out += base.slice(at, h.start) + h.text;
    at = h.end;
  }
  return out + base.slice(at);
}

/** Whether two hunks of the same base touch the same text (or insert at the same place, in no known order). */
function overlap(a: Hunk, b: Hunk): boolean {
  if (a.start === b.start && (a.start === a.end || b.start === b.end)) return true;
  return a.start < b.end && b.start < a.end;
}

const same = (a: Hunk, b: Hunk) => a.start === b.start && a.end === b.end && a.text === b.text;

export type Merged = { ok: true; text: string } | { ok: false; conflicts: number; text: string };

/**
 * A three-way merge of two texts changed from one `base`: `ours` and `theirs` each keep their changes
 * where the other did not touch the same text. Where both changed the same text differently, `ok` is
 * false, and `text` keeps ours there (and theirs everywhere else).
 */
export function mergeThreeWay(base: string, ours: string, theirs: string): Merged {
  if (theirs === base || ours === theirs) return { ok: true, text: ours };
  if (ours === base) return { ok: true, text: theirs };
  const mine = hunksOf(base, ours);
  const others = hunksOf(base, theirs);
  let conflicts = 0;
  const kept: Hunk[] = [...mine];
  for (const h of others) {
    const hit = mine.filter((m) => overlap(m, h));
    if (hit.length === 0) kept.push(h);
    else if (!(hit.length === 1 && same(hit[0]!, h))) conflicts++;
  }
  kept.sort((x, y) => x.start - y.start || x.end - y.end);
  const text = applyHunks(base, kept);
  return conflicts === 0 ? { ok: true, text } : { ok: false, conflicts, text };
}
