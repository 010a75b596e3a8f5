import { type Failure, fail } from "./amounts.js";
import { cleanText, flatten, foldDigits, hasWordChars, lookup, stripDecorations } from "./normalize.js";
import type { MessageParts, ParseStage, TextCommand, TextCommandDef } from "./text-registry.js";

/**
 * Longest message parsed. Chat messages go up to 4096 characters; 2000 leaves room for a long quote or
 * URL while refusing pasted documents before any regex runs over them.
 */
export const MAX_INPUT_CHARS = 2000;

const SLASH = /^\/([a-z]+)(?:@[a-z0-9_]+)?(?=\s|$)/i;
export const HINT = "Try `dune 142`, `+20 dune`, `dune 55%` or `help`.";
const STAGES: readonly ParseStage[] = ["freeform", "keyword", "fallback"];

/** Words of the language itself (days, fillers) that no definition owns. */
const GRAMMAR_WORDS = ["yesterday", "yday", "yest", "on", "this", "my", "mute", "unmute", "unpause"];

/**
 * The text command language (DESIGN.md §5), made of every module's definitions: one deterministic parser
 * shared by WhatsApp, Telegram, the CLI and the web command bar. Pure and total: `parse` never throws and
 * never looks anything up. A message is tried against free-text definitions (notes, links), then whole
 * words (`today`, `review`), then keyword definitions in order, then the fallback (pages).
 */
export class TextLanguage {
  private readonly byKind = new Map<string, TextCommandDef>();
  private readonly named = new Map<string, TextCommandDef>();
  private readonly exact: Record<string, TextCommand> = Object.create(null);
  private readonly stages: Map<ParseStage, TextCommandDef[]>;
  /** Words with a meaning of their own at the start of a message (a title starting with one needs its page first). */
  readonly reserved: ReadonlySet<string>;

  constructor(readonly defs: readonly TextCommandDef[]) {
    for (const d of defs) {
      if (this.named.has(d.name)) throw new Error(`text commands "${d.name}" are defined twice`);
      this.named.set(d.name, d);
      for (const k of d.kinds) {
        const other = this.byKind.get(k);
        if (other) throw new Error(`text command kind "${k}" is handled by "${other.name}" and "${d.name}"`);
        this.byKind.set(k, d);
      }
      for (const [word, cmd] of Object.entries(d.exact ?? {})) {
        if (Object.hasOwn(this.exact, word))
          throw new Error(`the text command word "${word}" is claimed twice`);
        if (!d.kinds.includes(cmd.kind))
          throw new Error(`"${d.name}" maps "${word}" to a kind it does not handle`);
        this.exact[word] = cmd;
      }
    }
    this.stages = new Map(
      STAGES.map((stage) => [
        stage,
        defs.filter((d) => d.parse?.stage === stage).sort((a, b) => a.parse!.order - b.parse!.order),
      ]),
    );
    this.reserved = new Set([
      ...GRAMMAR_WORDS,
      ...Object.keys(this.exact).filter((w) => !w.includes(" ")),
      ...defs.flatMap((d) => d.reserved ?? []),
    ]);
  }

  /** The definition named `name` (the owner of what waits in a conversation). */
  byName(name: string): TextCommandDef | undefined {
    return this.named.get(name);
  }

  /** The definition handling commands of `kind`. */
  definitionOf(kind: string): TextCommandDef | undefined {
    return this.byKind.get(kind);
  }

  /** A structural check of a value against the language's commands (at trust boundaries: stored state). */
  isCommand(v: unknown): v is TextCommand {
    if (typeof v !== "object" || v === null) return false;
    const kind = (v as { kind?: unknown }).kind;
    if (kind === "unknown") {
      const f = v as Partial<Failure>;
      return typeof f.code === "string" && typeof f.reason === "string" && f.reason.length > 0;
    }
    if (typeof kind !== "string") return false;
    const def = this.byKind.get(kind);
    return def?.isCommand ? def.isCommand(v) : false;
  }

  /** Parses one message into a command. Never throws: anything it cannot read is `unknown` with a reason. */
  parse(input: string, opts: { today?: string } = {}): TextCommand {
    if (typeof input !== "string") return fail("empty", `Send a text command. ${HINT}`);
    if (input.length > MAX_INPUT_CHARS)
      return fail("too_long", `That message is too long (over ${MAX_INPUT_CHARS} characters). ${HINT}`);
    let text = cleanText(input);
    if (!text) return fail("empty", `The message is empty. ${HINT}`);
    // Telegram commands: `/help`, `/help@readlog_bot`; `/start` alone is a new chat saying hello.
    const slash = SLASH.exec(text);
    if (slash) {
      if (slash[1]!.toLowerCase() === "start" && text.length === slash[0].length) return this.help();
      text = slash[1]! + text.slice(slash[0].length);
    }
    const flat = flatten(text);
    const core = stripDecorations(foldDigits(flat));
    const lower = core.toLowerCase();
    const [word = ""] = lower.split(" ", 1);
    const m: MessageParts = {
      text,
      flat,
      core,
      lower,
      word,
      // `correction: dune 90` as well as `correct dune 90`.
      verb: word.replace(/:$/u, ""),
      rest: core.slice(word.length).trim(),
      ...(opts.today === undefined ? {} : { today: opts.today }),
    };
    for (const d of this.stages.get("freeform")!) {
      const cmd = d.parse!.read(m);
      if (cmd) return cmd;
    }
    if (/^[?？¿؟]+$/u.test(flat)) return this.help();
    if (!hasWordChars(core))
      return fail("not_understood", `I could not find a command in that message. ${HINT}`);
    const exact = lookup(this.exact, lower);
    if (exact) return { ...exact };
    for (const stage of ["keyword", "fallback"] as const)
      for (const d of this.stages.get(stage)!) {
        const cmd = d.parse!.read(m);
        if (cmd) return cmd;
      }
    return notUnderstood(core);
  }

  private help(): TextCommand {
    return { kind: "help" };
  }

  /** The reply to `help`: every definition's lines in order, or one topic's answer when `topic` names one. */
  helpText(topic?: string): string {
    const topics: Record<string, string> = {};
    const aliases: Record<string, string> = {};
    const lines: { order: number; line: string }[] = [];
    for (const d of this.defs) {
      Object.assign(topics, d.help?.topics);
      Object.assign(aliases, d.help?.aliases);
      lines.push(...(d.help?.lines ?? []));
    }
    const key = topic?.trim().toLowerCase() ?? "";
    const answer = lookup(topics, lookup(aliases, key) ?? key);
    if (answer) return answer;
    return ["Readlog commands:", ...lines.sort((a, b) => a.order - b.order).map((l) => `• ${l.line}`)].join(
      "\n",
    );
  }
}

/** Why a message was not understood, with the hint most likely to help. */
export function notUnderstood(core: string): Failure {
  const lower = core.toLowerCase();
  if (/^save\b/u.test(lower))
    return fail("missing_argument", "Save needs a link starting with http:// or https://.");
  if (/(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\//u.test(lower))
    return fail("not_understood", "Only http:// and https:// links can be saved.");
  if (/(?:^|\s)-\s*\d+(?:\s|$)/u.test(lower))
    return fail("not_understood", "To correct a page, send the right page (e.g. `dune 120`) or `undo`.");
  if (!/\d/u.test(lower))
    return fail(
      "missing_argument",
      `Which page? e.g. \`${Array.from(core).slice(0, 40).join("")} 142\`. Or \`help\`.`,
    );
  return fail("not_understood", `I did not understand that. ${HINT}`);
}
