import { newId } from "../../platform/ids.js";
import { isLinkCommand, type LinkCommand, parseLinks } from "./freeform.js";
import { shortTitle } from "./reply-format.js";
import type { TextRepo } from "./text.repo.js";
import type { TextCommand, TextCommandDef, TextReply, Turn } from "./text-registry.js";

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

/** Any message with an http(s) link, or `save <link>`: links saved for later reading. */
export function linkCommands(repo: TextRepo): TextCommandDef {
  return {
    name: "links",
    kinds: ["link"],
    reserved: ["save"],
    parse: { stage: "freeform", order: 20, read: (m) => parseLinks(m.flat) },
    isCommand: isLinkCommand,
    handle: (cmd, turn) => saveLinks(repo, cmd as LinkCommand, turn),
    undo: {
      links: async (p, turn) => {
        const ids = (p as { ids?: unknown }).ids;
        const n = Array.isArray(ids) ? await repo.deleteLinks(turn.actor.userId, ids.filter(isString)) : 0;
        return {
          text: n
            ? `Undone: removed ${n === 1 ? "the saved link" : `${n} saved links`}.`
            : "Those links are gone already.",
        };
      },
    },
    help: { lines: [{ order: 70, line: "any link, or save <link> — read it later" }] },
  };
}

const isString = (v: unknown): v is string => typeof v === "string";

async function saveLinks(repo: TextRepo, cmd: LinkCommand, turn: Turn): Promise<TextReply> {
  const fresh: string[] = [];
  for (const url of new Set(cmd.urls)) if (!(await repo.linkByUrl(turn.actor.userId, url))) fresh.push(url);
  if (fresh.length === 0)
    return { text: cmd.urls.length === 1 ? "Already saved for later." : "Those links are already saved." };
  const rows = fresh.map((url) => ({
    id: newId(turn.now.getTime()),
    owner_id: turn.actor.userId,
    url,
    status: "saved" as const,
    comment: cmd.comment ?? null,
    source: turn.source,
    created_at: turn.now.toISOString(),
  }));
  await repo.insertLinks(rows);
  await turn.logUndo("links", { ids: rows.map((r) => r.id) });
  return {
    text:
      rows.length === 1
        ? `Saved for later: ${shortTitle(fresh[0]!, 80)}`
        : `Saved ${rows.length} links for later.`,
  };
}
