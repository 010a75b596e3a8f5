import type { TextCommand, TextCommandDef } from "./text-registry.js";

/** The language's own commands, which the text service answers itself (see TextService.dispatch). */
export const CORE_KINDS = ["help", "undo", "answer", "number"] as const;

const yes: TextCommand & { yes: boolean } = { kind: "answer", yes: true };
const no: TextCommand & { yes: boolean } = { kind: "answer", yes: false };

/** `help [topic]`, `undo`, `yes` / `no` and bare numbers: the words of the language itself. */
export const coreCommands: TextCommandDef = {
  name: "text",
  kinds: CORE_KINDS,
  exact: {
    help: { kind: "help" },
    commands: { kind: "help" },
    menu: { kind: "help" },
    undo: { kind: "undo" },
    ...Object.fromEntries(["yes", "y", "yeah", "yep", "ok", "okay", "confirm"].map((w) => [w, yes])),
    ...Object.fromEntries(["no", "n", "nope", "cancel"].map((w) => [w, no])),
  },
  parse: {
    stage: "keyword",
    order: 110,
    read: (m) => (m.verb === "help" ? { kind: "help", topic: m.rest } : undefined),
  },
  isCommand(v) {
    const c = v as { kind?: unknown; yes?: unknown; value?: unknown; topic?: unknown };
    switch (c.kind) {
      case "help":
        return c.topic === undefined || typeof c.topic === "string";
      case "undo":
        return true;
      case "answer":
        return typeof c.yes === "boolean";
      case "number":
        return Number.isSafeInteger(c.value) && (c.value as number) > 0;
      default:
        return false;
    }
  },
  help: { lines: [{ order: 110, line: "undo — take back the last change · help — this list" }] },
};
