import { describe, expect, it } from "vitest";
import { fail } from "./amounts.js";
import { parseNoteOrQuote } from "./freeform.js";
import { coreCommands } from "./text.commands.js";
import { TextLanguage } from "./text-language.js";
import type { TextCommandDef } from "./text-registry.js";

const handle = async () => ({ text: "ok" });

/** A definition reading `<verb> <rest>` into `{ kind, rest }`. */
function verbDef(
  name: string,
  verb: string,
  order: number,
  stage: "keyword" | "fallback" = "keyword",
): TextCommandDef {
  return {
    name,
    kinds: [name],
    parse: { stage, order, read: (m) => (m.verb === verb ? { kind: name, rest: m.rest } : undefined) },
    isCommand: (v) => typeof (v as { rest?: unknown }).rest === "string",
    handle,
  };
}

describe("TextLanguage: made of definitions", () => {
  it("refuses two definitions claiming one name, kind or whole word", () => {
    expect(() => new TextLanguage([verbDef("a", "x", 1), verbDef("a", "y", 2)])).toThrow(/defined twice/);
    expect(() => new TextLanguage([verbDef("a", "x", 1), { ...verbDef("b", "y", 2), kinds: ["a"] }])).toThrow(
      /handled by "a" and "b"/,
    );
    const word = (name: string): TextCommandDef => ({
      name,
      kinds: [name],
      exact: { go: { kind: name } },
      handle,
    });
    expect(() => new TextLanguage([word("a"), word("b")])).toThrow(/"go" is claimed twice/);
    expect(() => new TextLanguage([{ name: "a", kinds: ["a"], exact: { go: { kind: "b" } } }])).toThrow(
      /a kind it does not handle/,
    );
  });

  it("tries free text first, then whole words, then keywords by order, then the fallback", () => {
    const language = new TextLanguage([
      verbDef("late", "go", 200),
      verbDef("early", "go", 100),
      verbDef("rest", "go", 1, "fallback"),
      { name: "word", kinds: ["word"], exact: { "go home": { kind: "word" } }, handle },
      {
        name: "free",
        kinds: ["free"],
        parse: {
          stage: "freeform",
          order: 1,
          read: (m) => (m.text.includes("!") ? { kind: "free" } : undefined),
        },
        handle,
      },
    ]);
    expect(language.parse("go now")).toEqual({ kind: "early", rest: "now" });
    expect(language.parse("Go home")).toEqual({ kind: "word" });
    expect(language.parse("go home!")).toEqual({ kind: "free" });
    expect(language.parse("stay")).toMatchObject({ kind: "unknown", code: "missing_argument" });
  });

  it("answers a definition's failure as the parse", () => {
    const language = new TextLanguage([
      {
        name: "picky",
        kinds: ["picky"],
        parse: { stage: "keyword", order: 1, read: () => fail("out_of_range", "No.") },
      },
    ]);
    expect(language.parse("anything")).toEqual({ kind: "unknown", code: "out_of_range", reason: "No." });
  });

  it("checks stored commands with the definition of their kind", () => {
    const language = new TextLanguage([verbDef("a", "x", 1), { name: "b", kinds: ["b"], handle }]);
    expect(language.isCommand({ kind: "a", rest: "" })).toBe(true);
    expect(language.isCommand({ kind: "a" })).toBe(false);
    // A definition without a check accepts nothing stored.
    expect(language.isCommand({ kind: "b" })).toBe(false);
    expect(language.isCommand({ kind: "zzz" })).toBe(false);
  });

  it("composes help from every definition's lines, in order, and their topics", () => {
    const language = new TextLanguage([
      coreCommands,
      {
        name: "a",
        kinds: ["a"],
        help: {
          lines: [{ order: 5, line: "a — first" }],
          topics: { alpha: "About a." },
          aliases: { al: "alpha" },
        },
      },
    ]);
    expect(language.helpText()).toBe(
      "Readlog commands:\n• a — first\n• undo — take back the last change · help — this list",
    );
    expect(language.helpText("AL")).toBe("About a.");
    expect(language.parse("help alpha")).toEqual({ kind: "help", topic: "alpha" });
    expect(language.reserved.has("undo")).toBe(true);
  });

  it("reads a note as a note, never as a page", () => {
    const notes: TextCommandDef = {
      name: "notes",
      kinds: ["note", "quote"],
      parse: { stage: "freeform", order: 10, read: (m) => parseNoteOrQuote(m.text) },
      handle,
    };
    const language = new TextLanguage([coreCommands, notes]);
    expect(language.parse("note dune: 142 is great")).toEqual({
      kind: "note",
      text: "142 is great",
      title: "dune",
    });
  });
});
