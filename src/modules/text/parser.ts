/**
 * The text command parser (DESIGN.md §5): one deterministic function shared by WhatsApp, Telegram, the
 * CLI and the web command bar. Pure and total: it never throws and never looks anything up.
 */
import {
  checkAmount,
  type Failure,
  fail,
  isFailure,
  MAX_PAGE,
  parseDuration,
  progressCommand,
  splitAmount,
  splitDay,
} from "./amounts.js";
import { MAX_TITLE_CHARS, parseLinks, parseNoteOrQuote, titleOf } from "./freeform.js";
import { cleanText, flatten, foldDigits, hasWordChars, lookup, stripDecorations } from "./normalize.js";
import type { ShelfAction, TextCommand } from "./text-command.js";

export { MAX_TITLE_CHARS };

/**
 * Longest message parsed. Chat messages go up to 4096 characters; 2000 leaves room for a long quote or
 * URL while refusing pasted documents before any regex runs over them.
 */
export const MAX_INPUT_CHARS = 2000;
/** Snooze length when none is given, in minutes. */
export const DEFAULT_SNOOZE_MINUTES = 60;
/** Longest snooze (7 days), in minutes. */
export const MAX_SNOOZE_MINUTES = 7 * 1440;
/** Longest reminder pause (365 days), in minutes. */
export const MAX_PAUSE_MINUTES = 365 * 1440;

/** Options for `parseText`. */
export interface ParseOptions {
  /** The user's local day (YYYY-MM-DD): lets `yesterday`/`3 days ago` carry a date and rejects future days. */
  today?: string;
}

/** Words with a meaning of their own at the start of a message (a title starting with one needs its page first). */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  ...["help", "commands", "menu", "undo", "today", "week", "books", "streak", "review"],
  ...["again", "hard", "good", "easy", "skip", "later", "stop", "snooze", "resume", "pause", "paused"],
  ...["note", "quote", "highlight", "save", "start", "started", "begin", "want", "wishlist", "tbr"],
  ...["finish", "finished", "done", "drop", "dropped", "abandon", "abandoned", "dnf", "resumed"],
  ...["yesterday", "yday", "yest", "on", "this", "my", "mute", "unmute", "unpause"],
  ...["correct", "correction", "yes", "no", "ok", "cancel"],
]);

const EXACT: Record<string, TextCommand> = {
  help: { kind: "help" },
  commands: { kind: "help" },
  menu: { kind: "help" },
  undo: { kind: "undo" },
  today: { kind: "summary", what: "today" },
  week: { kind: "summary", what: "week" },
  "this week": { kind: "summary", what: "week" },
  books: { kind: "summary", what: "books" },
  "my books": { kind: "summary", what: "books" },
  streak: { kind: "summary", what: "streak" },
  review: { kind: "review" },
  again: { kind: "grade", grade: 1 },
  hard: { kind: "grade", grade: 2 },
  good: { kind: "grade", grade: 3 },
  easy: { kind: "grade", grade: 4 },
  skip: { kind: "reviewControl", action: "skip" },
  later: { kind: "reviewControl", action: "later" },
  stop: { kind: "reviewControl", action: "stop" },
  resume: { kind: "resumeReminders" },
  snooze: { kind: "snooze", minutes: DEFAULT_SNOOZE_MINUTES },
  yes: { kind: "answer", yes: true },
  y: { kind: "answer", yes: true },
  yeah: { kind: "answer", yes: true },
  yep: { kind: "answer", yes: true },
  ok: { kind: "answer", yes: true },
  okay: { kind: "answer", yes: true },
  confirm: { kind: "answer", yes: true },
  no: { kind: "answer", yes: false },
  n: { kind: "answer", yes: false },
  nope: { kind: "answer", yes: false },
  cancel: { kind: "answer", yes: false },
};

/** What `review <answer>` may say: a grade or a way to leave the card (the CLI's `readlog review 3`). */
const REVIEW_ANSWERS: Record<string, TextCommand> = {
  "1": { kind: "grade", grade: 1 },
  "2": { kind: "grade", grade: 2 },
  "3": { kind: "grade", grade: 3 },
  "4": { kind: "grade", grade: 4 },
  again: { kind: "grade", grade: 1 },
  hard: { kind: "grade", grade: 2 },
  good: { kind: "grade", grade: 3 },
  easy: { kind: "grade", grade: 4 },
  skip: { kind: "reviewControl", action: "skip" },
  later: { kind: "reviewControl", action: "later" },
  stop: { kind: "reviewControl", action: "stop" },
};
/** Every answer `review <answer>` takes, in the order help lists them. */
export const REVIEW_ANSWER_WORDS: readonly string[] = Object.keys(REVIEW_ANSWERS);

/** Words that mark a page as a correction of the last one. */
const CORRECTION_VERBS = new Set(["correct", "correction"]);

const SHELF_VERBS: Record<string, ShelfAction> = {
  start: "start",
  started: "start",
  begin: "start",
  want: "want",
  wishlist: "want",
  tbr: "want",
  finish: "finished",
  finished: "finished",
  done: "finished",
  pause: "pause",
  paused: "pause",
  drop: "drop",
  dropped: "drop",
  abandon: "drop",
  abandoned: "drop",
  dnf: "drop",
  resume: "resume",
  resumed: "resume",
};

const REMINDERS = "(?:reminders?|alarms?|notifications?|nudges?)";
const PAUSE_REMINDERS = new RegExp(`^(?:pause|stop|mute)\\s+${REMINDERS}(?:\\s+(.*))?$`, "iu");
const RESUME_REMINDERS = new RegExp(`^(?:resume|unpause|unmute)(?:\\s+${REMINDERS})?$`, "iu");
const SLASH = /^\/([a-z]+)(?:@[a-z0-9_]+)?(?=\s|$)/i;

const HINT = "Try `dune 142`, `+20 dune`, `dune 55%` or `help`.";

/** Parses one message into a command. Never throws: anything it cannot read is `unknown` with a reason. */
export function parseText(input: string, opts: ParseOptions = {}): TextCommand {
  if (typeof input !== "string") return fail("empty", `Send a text command. ${HINT}`);
  if (input.length > MAX_INPUT_CHARS) {
    return fail("too_long", `That message is too long (over ${MAX_INPUT_CHARS} characters). ${HINT}`);
  }
  let text = cleanText(input);
  if (!text) return fail("empty", `The message is empty. ${HINT}`);
  // Telegram commands: `/help`, `/help@readlog_bot`; `/start` alone is a new chat saying hello.
  const slash = SLASH.exec(text);
  if (slash) {
    if (slash[1]!.toLowerCase() === "start" && text.length === slash[0].length) return { kind: "help" };
    text = slash[1]! + text.slice(slash[0].length);
  }
  const noted = parseNoteOrQuote(text);
  if (noted) return noted;
  const flat = flatten(text);
  const link = parseLinks(flat);
  if (link) return link;
  if (/^[?？¿؟]+$/u.test(flat)) return { kind: "help" };
  const core = stripDecorations(foldDigits(flat));
  if (!hasWordChars(core))
    return fail("not_understood", `I could not find a command in that message. ${HINT}`);
  return parseKeyword(core, opts.today) ?? parseProgress(core, opts.today);
}

/** `review 3`, `review good`, `review skip`: an answer to the review card shown, whatever else is pending. */
function reviewAnswer(rest: string): TextCommand {
  const answer = lookup(REVIEW_ANSWERS, rest.toLowerCase());
  if (answer) return { ...answer };
  return fail(
    "not_understood",
    "`review` takes 1–4 (again, hard, good, easy), skip, later or stop, e.g. `review 3`. Send `review` alone to see the next card.",
  );
}

/** `correct dune 90`: a page (or percent) that replaces the last one, even when it is lower. */
function correction(rest: string, today: string | undefined): TextCommand {
  const example = "e.g. `correct dune 120`";
  if (rest === "") return fail("missing_argument", `Correct to which page? ${example}.`);
  const cmd = parseProgress(rest, today);
  switch (cmd.kind) {
    case "number":
      return { kind: "page", page: cmd.value, correction: true };
    case "page":
    case "percent":
      return { ...cmd, correction: true };
    case "unknown":
      return cmd.code === "missing_argument"
        ? fail("missing_argument", `Correct to which page? ${example}.`)
        : cmd;
    default:
      return fail("not_understood", `A correction names the right page, ${example}.`);
  }
}

function parseKeyword(core: string, today: string | undefined): TextCommand | undefined {
  const lower = core.toLowerCase();
  const exact = lookup(EXACT, lower);
  if (exact) return { ...exact };
  if (RESUME_REMINDERS.test(lower)) return { kind: "resumeReminders" };
  const [word = ""] = lower.split(" ", 1);
  // `correction: dune 90` as well as `correct dune 90`.
  const verb = word.replace(/:$/u, "");
  const rest = core.slice(word.length).trim();
  if (verb === "help") return { kind: "help", topic: rest };
  if (verb === "review") return reviewAnswer(rest);
  if (CORRECTION_VERBS.has(verb)) return correction(rest, today);
  if (verb === "snooze") {
    const minutes = parseDuration(rest);
    if (minutes === undefined)
      return fail("missing_argument", "Snooze for how long? e.g. `snooze 30m`, `snooze 2 hours`.");
    if (minutes > MAX_SNOOZE_MINUTES)
      return fail("out_of_range", "Snooze for at most 7 days, or `pause reminders`.");
    return { kind: "snooze", minutes };
  }
  const paused = PAUSE_REMINDERS.exec(core);
  const pauseFor = paused ? (paused[1] ?? "") : verb === "pause" ? rest : undefined;
  if (pauseFor !== undefined) {
    const minutes = parseDuration(pauseFor);
    if (paused && pauseFor === "") return { kind: "pauseReminders" };
    if (paused && minutes === undefined) {
      return fail(
        "missing_argument",
        "Pause for how long? e.g. `pause reminders 3d`, `pause reminders 1 week`.",
      );
    }
    if (minutes !== undefined) {
      if (minutes > MAX_PAUSE_MINUTES) return fail("out_of_range", "Pause reminders for at most 365 days.");
      return { kind: "pauseReminders", minutes };
    }
    if (rest === "") return fail("missing_argument", "Pause what? `pause <title>` or `pause reminders 3d`.");
  }
  const action = lookup(SHELF_VERBS, verb);
  if (!action) return undefined;
  const title = titleOf(rest.replace(/^(?:to\s+read|reading)(?:\s+|$)/iu, ""));
  if (isFailure(title)) return title;
  if (title === undefined) {
    if (action === "start" || action === "want" || action === "resume") {
      return fail("missing_argument", `Which book? e.g. \`${verb} dune\`.`);
    }
    return { kind: "shelf", action };
  }
  return { kind: "shelf", action, title };
}

function parseProgress(core: string, today: string | undefined): TextCommand {
  const choice = /^#\s*(\d{1,9})$|^(\d{1,9})\s*\)$/u.exec(core);
  if (choice) return bareNumber(Number(choice[1] ?? choice[2]));
  const day = splitDay(core, today);
  if (day && "code" in day) return day;
  const body = day ? day.rest : core;
  if (day && body === "") return fail("missing_argument", "Which page? e.g. `yesterday dune 120`.");
  const split = splitAmount(body);
  if (!split) return notUnderstood(core);
  const bad = checkAmount(split.amount);
  if (bad) return bad;
  const title = titleOf(split.title);
  if (isFailure(title)) return title;
  if (split.amount.kind === "number" && title === undefined && !day) return bareNumber(split.amount.value);
  if (split.amount.kind === "number" && (split.amount.value < 1 || split.amount.value > MAX_PAGE)) {
    return fail("out_of_range", `Page ${split.amount.value} is out of range.`);
  }
  return progressCommand(split.amount, title, day?.on);
}

function bareNumber(value: number): TextCommand {
  if (value < 1 || value > MAX_PAGE)
    return fail("out_of_range", `${value} is not a page or a choice I can use.`);
  return { kind: "number", value };
}

function notUnderstood(core: string): Failure {
  const lower = core.toLowerCase();
  if (/^save\b/u.test(lower))
    return fail("missing_argument", "Save needs a link starting with http:// or https://.");
  if (/(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\//u.test(lower)) {
    return fail("not_understood", "Only http:// and https:// links can be saved.");
  }
  if (/(?:^|\s)-\s*\d+(?:\s|$)/u.test(lower)) {
    return fail("not_understood", "To correct a page, send the right page (e.g. `dune 120`) or `undo`.");
  }
  if (!/\d/u.test(lower))
    return fail(
      "missing_argument",
      `Which page? e.g. \`${Array.from(core).slice(0, 40).join("")} 142\`. Or \`help\`.`,
    );
  return fail("not_understood", `I did not understand that. ${HINT}`);
}
