import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_INPUT_CHARS } from "../../src/modules/text/text-language.js";
import { HOSTILE_INPUTS } from "../fixtures/hostile-text.js";
import { textLanguage } from "../support/text-language.js";

const TODAY = "2026-11-21";
const language = await textLanguage();
const parse = (s: string) => language.parse(s, { today: TODAY });
const parseText = (s: string, opts?: { today?: string }) => language.parse(s, opts);
const isTextCommand = (v: unknown) => language.isCommand(v);
const RESERVED_WORDS = language.reserved;

describe("text language: properties", () => {
  const codeUnits = fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  });
  const pieces = fc.constantFrom(
    ...[" ", "  ", "\n", ":", ".", ",", "%", "+", "-", "/", "#", ")", "(", '"', "“", "'", "p", "p.", "page"],
    ...[
      "dune",
      "1984",
      "yesterday",
      "2026-11-20",
      "3 days ago",
      "note",
      "quote",
      "save",
      "pause",
      "reminders",
    ],
    ...["snooze", "1h", "2 hours", "start", "help", "/", "/start", "https://", "http://x.y/", "example.com"],
    ...[
      "0",
      "1",
      "42",
      "142",
      "412",
      "99999999999",
      "١٤٢",
      "５",
      "كثيب",
      "דיונה",
      "三体",
      "📖",
      "\u200f",
      "\u0303",
    ],
  );
  const commandish = fc.array(pieces, { maxLength: 12 }).map((a) => a.join(""));
  const anyText = fc.oneof(
    fc.string(),
    fc.string({ unit: "binary" }),
    fc.string({ unit: "grapheme" }),
    codeUnits,
    commandish,
  );

  it("never throws and always returns a valid TextCommand", () => {
    fc.assert(
      fc.property(anyText, fc.option(fc.constantFrom(TODAY, "2024-02-29", "nonsense")), (s, today) => {
        const r = parseText(s, today === null ? {} : { today });
        expect(isTextCommand(r)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it("survives long inputs around the cap", () => {
    fc.assert(
      fc.property(fc.string({ minLength: MAX_INPUT_CHARS - 5, maxLength: MAX_INPUT_CHARS + 5 }), (s) => {
        expect(isTextCommand(parseText(s))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  const latin = fc
    .stringMatching(/^[a-zà-öø-ÿ]{1,10}$/)
    .filter((w) => !RESERVED_WORDS.has(w) && !/^(?:p|pg|pp|pages?|of|d|days?|ago)$/.test(w));
  // Hebrew, Arabic and CJK words, so titles in right-to-left and mixed scripts round-trip too.
  const word = fc.oneof(
    { arbitrary: latin, weight: 4 },
    fc.stringMatching(/^[\u05d0-\u05ea]{1,8}$/),
    fc.stringMatching(/^[\u0621-\u063a\u0641-\u064a]{1,8}$/),
    fc.stringMatching(/^[\u4e00-\u9fa5]{1,4}$/),
  );
  const title = fc
    .array(word, { minLength: 1, maxLength: 4 })
    .map((ws) => ws.join(" "))
    .chain((t) => fc.constantFrom(t, t.toUpperCase(), t[0]!.toUpperCase() + t.slice(1)));
  const forms: ((t: string, p: number) => string)[] = [
    (t, p) => `${t} ${p}`,
    (t, p) => `${p} ${t}`,
    (t, p) => `${t} p${p}`,
    (t, p) => `${t}: p. ${p}`,
    (t, p) => `${t} p.${p}`,
    (t, p) => `${t} page ${p}`,
    (t, p) => `  ${t}   ${p} !`,
    (t, p) => `${t} - ${p}`,
    (t, p) => `${t} 7 p ${p}`,
  ];

  it("round-trips generated <title> <page> forms to that page and title", () => {
    fc.assert(
      fc.property(title, fc.integer({ min: 1, max: 100_000 }), fc.nat(forms.length - 1), (t, p, f) => {
        const r = parse(forms[f]!(t, p));
        expect(r).toMatchObject({ kind: "page", page: p });
        const expectedTitle = f === forms.length - 1 ? `${t} 7` : t;
        expect(r.kind === "page" && r.title).toBe(expectedTitle.normalize("NFC"));
      }),
      { numRuns: 2000 },
    );
  });

  it("round-trips total pages, deltas, percents and days", () => {
    fc.assert(
      fc.property(
        title,
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 0, max: 5000 }),
        (t, p, extra) => {
          expect(parse(`${t} ${p}/${p + extra}`)).toEqual({
            kind: "page",
            page: p,
            totalPages: p + extra,
            title: t,
          });
          expect(parse(`+${p} ${t}`)).toEqual({ kind: "delta", pages: p, title: t });
          expect(parse(`${t} ${p % 101}%`)).toEqual({ kind: "percent", percent: p % 101, title: t });
          expect(parse(`yesterday ${t} ${p}`)).toMatchObject({
            page: p,
            title: t,
            on: { date: "2026-11-20" },
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("text language: hostile lengths", () => {
  it("reads long runs of separators, digits and emoji to a valid command (bench/text.ts times them)", () => {
    for (const s of HOSTILE_INPUTS) expect(isTextCommand(parseText(s))).toBe(true);
  });
});
