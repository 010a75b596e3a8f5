import { createRequire } from "node:module";
import type MarkdownIt from "markdown-it";

/** A markdown-it parser and renderer. */
export type MarkdownParser = InstanceType<typeof MarkdownIt>;

let ctor: typeof MarkdownIt | undefined;

/**
 * The markdown-it constructor (about 10 MB resident with its dependencies), loaded the first time a note is
 * parsed or rendered rather than when the server starts: the idle server stays within its memory budget.
 */
export function markdownIt(): typeof MarkdownIt {
  ctor ??= createRequire(import.meta.url)("markdown-it") as typeof MarkdownIt;
  return ctor;
}
