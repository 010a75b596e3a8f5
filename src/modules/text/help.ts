import { lookup } from "./normalize.js";

/** The reply to `help`: every command in one short message, fit for WhatsApp and Telegram. */
export const HELP_TEXT = [
  "Readlog commands:",
  "• dune 142 — page 142 (also: 142 dune, dune p142, dune 142/412 to set total pages)",
  "• +20 dune — 20 pages more · dune 55% — percent",
  "• yesterday dune 120 · 2026-11-20 dune 120 — log a past day",
  "• 142 — page of the book you are reading (or the one I asked about)",
  "• correct dune 90 — a page below the last one (else I ask first)",
  "• start / want / finished / pause / drop / resume <title> — move a book",
  "• any link, or save <link> — read it later",
  "• today · week · books · streak — summaries",
  "• review, then 1–4 or again / hard / good / easy (skip, later, stop)",
  "• snooze 1h · pause reminders 3d · resume — reminders",
  "• undo — take back the last change · help — this list",
].join("\n");

const TOPICS: Record<string, string> = {
  pages: "Send the title and page: dune 142, 142 dune, dune p142, dune 142/412, +20 dune, dune 55%.",
  dates: "Put a day first or last: yesterday dune 120, 2026-11-20 dune 120, 3 days ago dune 90.",
  corrections:
    "A page below the last one: correct dune 90 (or send dune 90 and reply yes when I ask). undo takes back the last change.",
  shelf: "start dune, want dune, finished dune, pause dune, drop dune, resume dune.",
  review: "Send review, then grade each card 1–4 (again, hard, good, easy), or skip, later, stop.",
  reminders: "snooze 30m / 1h / 2 hours · pause reminders 3d / 1 week · resume.",
};
const TOPIC_ALIASES: Record<string, string> = {
  page: "pages",
  progress: "pages",
  date: "dates",
  yesterday: "dates",
  correct: "corrections",
  correction: "corrections",
  books: "shelf",
  grades: "review",
  reminder: "reminders",
  snooze: "reminders",
};

/** The help reply: the short list, or one topic's line when `topic` names one (else the list). */
export function helpText(topic?: string): string {
  const key = topic?.trim().toLowerCase() ?? "";
  return lookup(TOPICS, lookup(TOPIC_ALIASES, key) ?? key) ?? HELP_TEXT;
}
