import { describe, expect, it } from "vitest";
import { MAX_INPUT_CHARS } from "../../src/modules/text/text-language.js";
import type { TextCommand } from "../../src/modules/text/text-registry.js";
import { textLanguage } from "../support/text-language.js";

const TODAY = "2026-11-21";
const language = await textLanguage();
const parse = (s: string) => language.parse(s, { today: TODAY });
const parseText = (s: string, opts?: { today?: string }) => language.parse(s, opts);

describe("text language: every documented example (DESIGN.md §5)", () => {
  const table: [string, TextCommand][] = [
    ["142", { kind: "number", value: 142 }],
    ["dune 142", { kind: "page", page: 142, title: "dune" }],
    ["142 dune", { kind: "page", page: 142, title: "dune" }],
    ["dune p142", { kind: "page", page: 142, title: "dune" }],
    ["dune: p. 142", { kind: "page", page: 142, title: "dune" }],
    ["Dune p.142", { kind: "page", page: 142, title: "Dune" }],
    ["dune 142/412", { kind: "page", page: 142, totalPages: 412, title: "dune" }],
    ["+20 dune", { kind: "delta", pages: 20, title: "dune" }],
    ["dune +20", { kind: "delta", pages: 20, title: "dune" }],
    ["dune 55%", { kind: "percent", percent: 55, title: "dune" }],
    [
      "yesterday dune 120",
      { kind: "page", page: 120, title: "dune", on: { kind: "yesterday", date: "2026-11-20" } },
    ],
    [
      "2026-11-20 dune 120",
      { kind: "page", page: 120, title: "dune", on: { kind: "explicit", date: "2026-11-20" } },
    ],
    ["start Dune Messiah", { kind: "shelf", action: "start", title: "Dune Messiah" }],
    ["want The Hobbit", { kind: "shelf", action: "want", title: "The Hobbit" }],
    ["finished dune", { kind: "shelf", action: "finished", title: "dune" }],
    ["pause dune", { kind: "shelf", action: "pause", title: "dune" }],
    ["drop dune", { kind: "shelf", action: "drop", title: "dune" }],
    [
      "note dune: the desert scenes are the best",
      { kind: "note", title: "dune", text: "the desert scenes are the best" },
    ],
    [
      'quote dune p12: "Fear is the mind-killer."',
      { kind: "quote", title: "dune", page: 12, text: "Fear is the mind-killer." },
    ],
    ["https://example.com/post", { kind: "link", urls: ["https://example.com/post"] }],
    ["save https://example.com/post", { kind: "link", urls: ["https://example.com/post"] }],
    ["today", { kind: "summary", what: "today" }],
    ["week", { kind: "summary", what: "week" }],
    ["books", { kind: "summary", what: "books" }],
    ["streak", { kind: "summary", what: "streak" }],
    ["review", { kind: "review" }],
    ["1", { kind: "number", value: 1 }],
    ["4", { kind: "number", value: 4 }],
    ["again", { kind: "grade", grade: 1 }],
    ["hard", { kind: "grade", grade: 2 }],
    ["good", { kind: "grade", grade: 3 }],
    ["easy", { kind: "grade", grade: 4 }],
    ["skip", { kind: "reviewControl", action: "skip" }],
    ["later", { kind: "reviewControl", action: "later" }],
    ["stop", { kind: "reviewControl", action: "stop" }],
    ["snooze 1h", { kind: "snooze", minutes: 60 }],
    ["pause reminders 3d", { kind: "pauseReminders", minutes: 3 * 1440 }],
    ["resume", { kind: "resumeReminders" }],
    ["undo", { kind: "undo" }],
    ["help", { kind: "help" }],
  ];
  it.each(table)("%j", (input, expected) => {
    expect(parse(input)).toEqual(expected);
  });
});

describe("text language: forgiving forms", () => {
  const table: [string, TextCommand][] = [
    ["  DUNE   P  142  ", { kind: "page", page: 142, title: "DUNE" }],
    ["Dune 142!!! 📖", { kind: "page", page: 142, title: "Dune" }],
    ["🎉 dune 142.", { kind: "page", page: 142, title: "dune" }],
    ["dune - 142", { kind: "page", page: 142, title: "dune" }],
    ["dune page 142", { kind: "page", page: 142, title: "dune" }],
    ["dune pg 142 of 412", { kind: "page", page: 142, totalPages: 412, title: "dune" }],
    ["dune 142 of 412", { kind: "page", page: 142, totalPages: 412, title: "dune" }],
    ["p 12", { kind: "page", page: 12 }],
    ["142/412", { kind: "page", page: 142, totalPages: 412 }],
    ["+20", { kind: "delta", pages: 20 }],
    ["dune +20 pages", { kind: "delta", pages: 20, title: "dune" }],
    ["55%", { kind: "percent", percent: 55 }],
    ["dune 55,5%", { kind: "percent", percent: 55.5, title: "dune" }],
    ["55% dune", { kind: "percent", percent: 55, title: "dune" }],
    ["1984 45", { kind: "page", page: 45, title: "1984" }],
    ["catch 22 p 30", { kind: "page", page: 30, title: "catch 22" }],
    ["Fahrenheit 451 p.12", { kind: "page", page: 12, title: "Fahrenheit 451" }],
    ["1984", { kind: "number", value: 1984 }],
    ["#2", { kind: "number", value: 2 }],
    ["2)", { kind: "number", value: 2 }],
    ["2.", { kind: "number", value: 2 }],
    ["2️⃣", { kind: "number", value: 2 }],
    [
      "dune 120 yesterday",
      { kind: "page", page: 120, title: "dune", on: { kind: "yesterday", date: "2026-11-20" } },
    ],
    [
      "Yesterday: +30 dune",
      { kind: "delta", pages: 30, title: "dune", on: { kind: "yesterday", date: "2026-11-20" } },
    ],
    [
      "3 days ago dune 90",
      { kind: "page", page: 90, title: "dune", on: { kind: "relative", daysAgo: 3, date: "2026-11-18" } },
    ],
    ["yesterday 120", { kind: "page", page: 120, on: { kind: "yesterday", date: "2026-11-20" } }],
    ["HELP", { kind: "help" }],
    ["?", { kind: "help" }],
    ["/help@readlog_bot", { kind: "help" }],
    ["/start", { kind: "help" }],
    ["/start dune", { kind: "shelf", action: "start", title: "dune" }],
    ["help reminders", { kind: "help", topic: "reminders" }],
    ["Undo!", { kind: "undo" }],
    ["this week", { kind: "summary", what: "week" }],
    ["finished", { kind: "shelf", action: "finished" }],
    ["want to read The Hobbit", { kind: "shelf", action: "want", title: "The Hobbit" }],
    ["DNF dune", { kind: "shelf", action: "drop", title: "dune" }],
    ["resume dune", { kind: "shelf", action: "resume", title: "dune" }],
    ["resume reminders", { kind: "resumeReminders" }],
    ["snooze", { kind: "snooze", minutes: 60 }],
    ["snooze 30m", { kind: "snooze", minutes: 30 }],
    ["snooze 2 hours", { kind: "snooze", minutes: 120 }],
    ["snooze 1.5h", { kind: "snooze", minutes: 90 }],
    ["snooze an hour", { kind: "snooze", minutes: 60 }],
    ["pause reminders for 1 week", { kind: "pauseReminders", minutes: 10080 }],
    ["pause reminders", { kind: "pauseReminders" }],
    ["Stop reminders", { kind: "pauseReminders" }],
    ["mute alarms 2h", { kind: "pauseReminders", minutes: 120 }],
    ["unmute", { kind: "resumeReminders" }],
    ["pause 3 days", { kind: "pauseReminders", minutes: 3 * 1440 }],
    ["note: loved the ending", { kind: "note", text: "loved the ending" }],
    ["Note Dune: line one\nline two", { kind: "note", title: "Dune", text: "line one\nline two" }],
    ["quote dune “The spice must flow”", { kind: "quote", title: "dune", text: "The spice must flow" }],
    ["quote 1984: Big Brother", { kind: "quote", title: "1984", text: "Big Brother" }],
    ['quote "Dune" p12: "Fear"', { kind: "quote", title: "Dune", page: 12, text: "Fear" }],
    ['quote "Fear: the mind-killer"', { kind: "quote", text: "Fear: the mind-killer" }],
    [
      'quote dune p 3 "Fear: the mind-killer"',
      { kind: "quote", title: "dune", page: 3, text: "Fear: the mind-killer" },
    ],
    ['note "Dune": a "classic"', { kind: "note", title: "Dune", text: 'a "classic"' }],
    ["note Ender's Game: good", { kind: "note", title: "Ender's Game", text: "good" }],
    ["note dune: see https://example.com", { kind: "note", title: "dune", text: "see https://example.com" }],
    [
      "great read https://en.wikipedia.org/wiki/Dune_(novel)!",
      { kind: "link", urls: ["https://en.wikipedia.org/wiki/Dune_(novel)"], comment: "great read" },
    ],
    ["(https://example.com/a).", { kind: "link", urls: ["https://example.com/a"] }],
    ["HTTP://EXAMPLE.COM/X", { kind: "link", urls: ["HTTP://EXAMPLE.COM/X"] }],
  ];
  it.each(table)("%j", (input, expected) => {
    expect(parse(input)).toEqual(expected);
  });

  it("leaves dates relative when today is unknown", () => {
    expect(parseText("yesterday dune 120")).toEqual({
      kind: "page",
      page: 120,
      title: "dune",
      on: { kind: "yesterday" },
    });
  });
});

describe("text language: explicit review answers, corrections and confirmations", () => {
  const table: [string, TextCommand][] = [
    // `review <answer>` is always about the review, never a page or a book called "review".
    ["review 3", { kind: "grade", grade: 3 }],
    ["review 1", { kind: "grade", grade: 1 }],
    ["review good", { kind: "grade", grade: 3 }],
    ["Review EASY", { kind: "grade", grade: 4 }],
    ["review skip", { kind: "reviewControl", action: "skip" }],
    ["review stop", { kind: "reviewControl", action: "stop" }],
    ["/review 2", { kind: "grade", grade: 2 }],
    // A page below the last one needs the word (or a confirmation).
    ["correct dune 90", { kind: "page", page: 90, title: "dune", correction: true }],
    ["correction: dune 90", { kind: "page", page: 90, title: "dune", correction: true }],
    ["Correct 90", { kind: "page", page: 90, correction: true }],
    ["correct dune 20%", { kind: "percent", percent: 20, title: "dune", correction: true }],
    [
      "correct yesterday dune 90",
      {
        kind: "page",
        page: 90,
        title: "dune",
        correction: true,
        on: { kind: "yesterday", date: "2026-11-20" },
      },
    ],
    ["yes", { kind: "answer", yes: true }],
    ["Yes!", { kind: "answer", yes: true }],
    ["y", { kind: "answer", yes: true }],
    ["ok", { kind: "answer", yes: true }],
    ["no", { kind: "answer", yes: false }],
    ["cancel", { kind: "answer", yes: false }],
    // Titles that start with these words still work with the page first, or as longer titles.
    ["yes please 12", { kind: "page", page: 12, title: "yes please" }],
  ];
  it.each(table)("%j", (input, expected) => {
    expect(parse(input)).toEqual(expected);
  });

  const bad: [string, string][] = [
    ["review banana", "not_understood"],
    ["review 5", "not_understood"],
    ["review dune 3", "not_understood"],
    ["correct", "missing_argument"],
    ["correct dune", "missing_argument"],
    ["correct +20 dune", "not_understood"],
    ["correct finished dune", "missing_argument"],
  ];
  it.each(bad)("%j is unknown (%s)", (input, code) => {
    const r = parse(input);
    expect(r).toMatchObject({ kind: "unknown", code });
    expect(r.kind === "unknown" && String(r.reason).length).toBeGreaterThan(5);
  });
});

describe("text language: scripts, emoji and hostile text", () => {
  const table: [string, TextCommand][] = [
    ["كثيب 142", { kind: "page", page: 142, title: "كثيب" }],
    ["كثيب ١٤٢", { kind: "page", page: 142, title: "كثيب" }],
    ["\u200fדיונה\u200f 142", { kind: "page", page: 142, title: "דיונה" }],
    ["142 \u202bهاري بوتر\u202c", { kind: "page", page: 142, title: "هاري بوتر" }],
    ["Dune كثيب p 7", { kind: "page", page: 7, title: "Dune كثيب" }],
    ["三体 ５０", { kind: "page", page: 50, title: "三体" }],
    ["Cien años de soledad 50", { kind: "page", page: 50, title: "Cien años de soledad" }],
    // NFD input comes back NFC.
    ["Cien an\u0303os 50", { kind: "page", page: 50, title: "Cien años" }],
    ["📖 Dune 🏜️ 30", { kind: "page", page: 30, title: "Dune 🏜️" }],
    ["'; DROP TABLE books;-- 45", { kind: "page", page: 45, title: "'; DROP TABLE books;--" }],
    ["<script>alert(1)</script> 45", { kind: "page", page: 45, title: "<script>alert(1)</script>" }],
    [
      "note <b>dune</b>: <img src=x onerror=alert(1)>",
      { kind: "note", title: "<b>dune</b>", text: "<img src=x onerror=alert(1)>" },
    ],
    [
      "start Robert'); DROP TABLE books;--",
      { kind: "shelf", action: "start", title: "Robert'); DROP TABLE books;--" },
    ],
  ];
  it.each(table)("%j", (input, expected) => {
    expect(parse(input)).toEqual(expected);
  });

  const bad: [string, string][] = [
    ["", "empty"],
    ["   \n\t ", "empty"],
    ["\u200f\u200e\ufeff", "empty"],
    ["x".repeat(5 * 1024), "too_long"],
    [`dune ${"9".repeat(MAX_INPUT_CHARS)}`, "too_long"],
    ["📚🎉👍🏽", "not_understood"],
    ["...!!!", "not_understood"],
    ["dune", "missing_argument"],
    ["يوميات", "missing_argument"],
    ["pause", "missing_argument"],
    ["start", "missing_argument"],
    ["note dune great book", "missing_argument"],
    ["note dune:", "missing_argument"],
    ["quote dune p12:   ", "missing_argument"],
    ["save my article", "missing_argument"],
    ["yesterday", "missing_argument"],
    ["snooze forever", "missing_argument"],
    ["pause reminders soon", "missing_argument"],
    ["snooze 30 days", "out_of_range"],
    ["pause reminders 2000d", "out_of_range"],
    ["dune 0", "out_of_range"],
    ["0", "out_of_range"],
    ["dune 500/412", "out_of_range"],
    ["dune 120%", "out_of_range"],
    ["dune 999999999", "out_of_range"],
    ["2026-02-30 dune 3", "invalid_date"],
    ["2026-12-01 dune 3", "invalid_date"],
    ["dune -5", "not_understood"],
    ["ftp://example.com/file", "not_understood"],
    [`start ${"a".repeat(250)}`, "out_of_range"],
  ];
  it.each(bad)("%j is unknown (%s)", (input, code) => {
    const r = parse(input);
    expect(r.kind).toBe("unknown");
    if (r.kind !== "unknown") return;
    expect(r.code).toBe(code);
    expect(String(r.reason).length).toBeGreaterThan(5);
  });

  it("refuses 5 KB politely with a reason that says too long", () => {
    const r = parse("dune 142 ".repeat(600));
    expect(r).toMatchObject({ kind: "unknown", code: "too_long" });
    expect(r.kind === "unknown" && r.reason).toMatch(/too long/);
  });

  it("does not resolve user words through Object.prototype", () => {
    for (const w of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"]) {
      expect(parse(w)).toMatchObject({ kind: "unknown", code: "missing_argument" });
      expect(parse(`${w} 12`)).toEqual({ kind: "page", page: 12, title: w });
    }
  });

  it("does not accept non-strings at runtime", () => {
    expect(parseText(undefined as unknown as string)).toMatchObject({ kind: "unknown", code: "empty" });
  });
});

describe("text language: stored commands", () => {
  it("accepts well-formed commands", () => {
    for (const c of [
      { kind: "page", page: 1, title: "Dune", totalPages: 2, on: { kind: "yesterday", date: "2026-01-01" } },
      { kind: "delta", pages: 3, on: { kind: "relative", daysAgo: 2 } },
      { kind: "percent", percent: 0 },
      { kind: "shelf", action: "start", title: "Dune" },
      { kind: "link", urls: ["https://x.y"] },
      { kind: "grade", grade: 4 },
      { kind: "snooze", minutes: 30 },
      { kind: "summary", what: "week" },
      { kind: "unknown", code: "empty", reason: "Empty." },
    ]) {
      expect(language.isCommand(c)).toBe(true);
    }
  });

  it("rejects malformed ones", () => {
    for (const c of [
      null,
      "page",
      { kind: "nope" },
      { kind: "page", page: 0 },
      { kind: "page", page: 5, totalPages: 4 },
      { kind: "page", page: 1, title: "  " },
      { kind: "page", page: 1, on: { kind: "explicit" } },
      { kind: "percent", percent: 101 },
      { kind: "shelf", action: "burn" },
      { kind: "link", urls: [] },
      { kind: "link", urls: ["ftp://x"] },
      { kind: "grade", grade: 5 },
      { kind: "snooze", minutes: -1 },
      { kind: "summary", what: "year" },
      { kind: "unknown", code: "empty", reason: "" },
    ]) {
      expect(language.isCommand(c)).toBe(false);
    }
  });
});

describe("help", () => {
  const list = language.helpText();

  it("lists every command family briefly, in one message", () => {
    for (const word of [
      "dune 142",
      "+20 dune",
      "55%",
      "yesterday",
      "start",
      "correct",
      "save",
      "today",
      "review",
    ])
      expect(list).toContain(word);
    for (const word of ["snooze", "pause reminders", "resume", "undo", "help"]) expect(list).toContain(word);
    expect(list.length).toBeLessThan(1000);
    // Notes and highlights are listed now that the notes module contributes them, with a topic of their own.
    for (const word of ["note dune:", "quote dune p12:", "search"]) expect(list).toContain(word);
    expect(language.helpText("notes")).not.toBe(list);
    expect(language.helpText("notes")).toMatch(/quote dune p12/);
  });

  it("keeps the lines in the order of the commands people use most", () => {
    const lines = list.split("\n");
    expect(lines[0]).toBe("Readlog commands:");
    expect(lines[1]).toMatch(/^• dune 142 — page 142/);
    expect(lines.at(-1)).toBe("• undo — take back the last change · help — this list");
  });

  it("answers a topic, or the list for an unknown one", () => {
    expect(language.helpText("reminders")).toContain("snooze");
    expect(language.helpText("Snooze")).toContain("pause reminders");
    expect(language.helpText("correction")).toContain("correct dune 90");
    expect(language.helpText()).toBe(list);
    expect(language.helpText("constructor")).toBe(list);
    expect(language.helpText("nonsense")).toBe(list);
  });
});
