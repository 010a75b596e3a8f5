import * as Y from "yjs";

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

/**
 * Brings the document's text to `markdown` (saved elsewhere, e.g. over REST) as one edit of the part that
 * differs, so concurrent edits around it survive.
 */
export function mergeMarkdown(doc: Y.Doc, markdown: string, origin: unknown): void {
  const text = doc.getText(BODY);
  const current = text.toString();
  if (current === markdown) return;
  let start = 0;
  const max = Math.min(current.length, markdown.length);
  while (start < max && current[start] === markdown[start]) start++;
  let end = 0;
  while (end < max - start && current[current.length - 1 - end] === markdown[markdown.length - 1 - end])
    end++;
  doc.transact(() => {
    text.delete(start, current.length - start - end);
    text.insert(start, markdown.slice(start, markdown.length - end));
  }, origin);
}
