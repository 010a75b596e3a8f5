import * as Y from "yjs";
import { hunksOf, mergeThreeWay } from "../../platform/text/three-way-merge.js";

/** The shared text of a note's document: its Markdown. */
export const BODY = "body";

/**
 * The first state of a note's document: its Markdown as a Y.Text, written by a fixed client id so that two
 * instances seeding the same note at once produce the same update (merged, it counts once).
 */
export function seedState(markdown: string): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = 1;
  doc.getText(BODY).insert(0, markdown);
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

/** Brings the document's text to `target` with the fewest edits (each change where it is, nothing else touched). */
export function applyText(doc: Y.Doc, target: string, origin: unknown): void {
  const text = doc.getText(BODY);
  const hunks = hunksOf(text.toString(), target);
  if (hunks.length === 0) return;
  doc.transact(() => {
    for (const h of hunks.reverse()) {
      if (h.end > h.start) text.delete(h.start, h.end - h.start);
      if (h.text) text.insert(h.start, h.text);
    }
  }, origin);
}

/**
 * Merges a text saved elsewhere (over REST) into the document: the changes from `base` (the text it was
 * made from) to `body`, applied as edits where they are, keeping what was typed since `base`. False when
 * both changed the same text: there the document keeps what was typed.
 */
export function mergeInto(doc: Y.Doc, base: string, body: string, origin: unknown): boolean {
  const merged = mergeThreeWay(base, doc.getText(BODY).toString(), body);
  applyText(doc, merged.text, origin);
  return merged.ok;
}
