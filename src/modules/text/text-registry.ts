import type { Actor } from "../../platform/access/actor.js";
import type { Failure } from "./amounts.js";

import type { TextChannel } from "./text.tables.js";

export type { TextChannel };

/** One parsed command: its `kind` names the definition that handles it; the rest is that command's data. */
export interface TextCommand {
  readonly kind: string;
  readonly [field: string]: unknown;
}

/** The answer to send back. */
export interface TextReply {
  text: string;
  /** The book this reply is about, so that a later reply to it resolves to that book. */
  bookId?: string;
}

/**
 * A message as every parser sees it, normalised once: `text` cleaned (trimmed, NFC, control characters
 * gone), `flat` on one line, `core` without decorations and with digits folded to ASCII, `lower` its lower
 * case, `word`/`verb` the first word (the verb without a trailing colon) and `rest` what follows it.
 */
export interface MessageParts {
  text: string;
  flat: string;
  core: string;
  lower: string;
  word: string;
  verb: string;
  rest: string;
  /** The sender's local day of the message, when known: relative days (`yesterday`) get a date from it. */
  today?: string;
}

/** When a definition's parser is tried: free text first, then keywords (by `order`), then the fallback. */
export type ParseStage = "freeform" | "keyword" | "fallback";

/**
 * What one conversation turn offers a command's handler: who sent it, when, through what; the
 * conversation's state (one owner waits at a time); numbered choices; the undo log.
 */
export interface Turn {
  readonly actor: Actor;
  readonly now: Date;
  /** Today in the sender's zone. */
  readonly today: string;
  /** The sender's local day of the message (differs from `today` for a message delivered late). */
  readonly sentOn: string;
  readonly channel: TextChannel;
  /** The `source` of what the message records (the channel). */
  readonly source: TextChannel;
  readonly conversationKey: string;
  /** The book of the message this one replies to (e.g. a reminder about it), if the channel knows it. */
  readonly replyToBookId: string | undefined;
  /** The book the conversation last spoke of (every reply's `bookId` is remembered). */
  readonly lastBookId: string | null;
  /** The id picked by a numbered choice when this command is run again after it (see `choose`). */
  readonly chosen: string | undefined;
  /** What this command's `prepare` found before the unit of work opened. */
  readonly prepared: unknown;
  /** What `owner` left waiting in this conversation (its last reply asked a question), if anything. */
  waiting<T>(owner: string): T | undefined;
  /** Leaves `state` waiting for `owner` after this message (replacing whatever waited). */
  wait(owner: string, state: unknown): void;
  /**
   * Numbered choices: answers the prompt and remembers `command`; a reply `2` runs it again with `chosen`
   * set to the second option's id.
   */
  choose(command: TextCommand, options: readonly { id: string; label: string }[]): TextReply;
  /** Logs what undoing this change needs; `kind` names an undo handler. */
  logUndo(kind: string, payload: unknown): Promise<void>;
  /** A value computed once per turn (e.g. the sender's library, read once). */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T>;
}

/** How a definition answers a message that answers its waiting question (a bare number, `yes`/`no`). */
export interface Answers {
  /** Whether a bare positive number answers what this owner left waiting (else it is a page). */
  takesNumber?(value: number, state: unknown): boolean;
  /** Answers a number `takesNumber` took. */
  number?(value: number, state: unknown, turn: Turn): Promise<TextReply>;
  /** `yes` / `no` while this owner waits. */
  yesNo?(yes: boolean, state: unknown, turn: Turn): Promise<TextReply>;
}

/**
 * One group of text commands, contributed by the module that owns what they do (ModuleParts.textCommands):
 * how it reads a message, how it acts (in the message's unit of work), its lines in `help`, what answers it
 * takes while it waits, and how its changes are undone.
 */
export interface TextCommandDef {
  /** Unique; also the owner name of what it leaves waiting. */
  readonly name: string;
  /** The command kinds it handles. */
  readonly kinds: readonly string[];
  /** Whole messages that mean a command at once (`today`, `review`, `snooze`), case-insensitive. */
  readonly exact?: Readonly<Record<string, TextCommand>>;
  /** Words with a meaning of their own at the start of a message (a title starting with one needs its page first). */
  readonly reserved?: readonly string[];
  readonly parse?: {
    stage: ParseStage;
    /** Within a stage, lower first. */
    order: number;
    /** The command, a failure to answer, or undefined when the message is not this definition's. */
    read(m: MessageParts): TextCommand | Failure | undefined;
  };
  /** Whether a stored value (a command remembered for a numbered choice) is a valid command of this definition. */
  isCommand?(v: unknown): boolean;
  /** Whether a stored value is a valid state of what this definition leaves waiting (`Turn.wait`). */
  isState?(v: unknown): boolean;
  /**
   * Work that may wait on the network (a metadata lookup), done before the message's unit of work opens;
   * its result is `turn.prepared` in `handle`. Reads only.
   */
  prepare?(cmd: TextCommand, turn: Turn): Promise<unknown>;
  /** Acts on a command of `kinds`, in the message's unit of work (absent: the parser yields others' commands). */
  handle?(cmd: TextCommand, turn: Turn): Promise<TextReply>;
  readonly answers?: Answers;
  /** Undo handlers by the kind given to `logUndo`. */
  readonly undo?: Readonly<Record<string, (payload: unknown, turn: Turn) => Promise<TextReply>>>;
  readonly help?: {
    /** Lines of the `help` list, placed by `order` (lower first). */
    lines?: ReadonlyArray<{ order: number; line: string }>;
    /** `help <topic>` answers. */
    topics?: Readonly<Record<string, string>>;
    /** Other words for a topic. */
    aliases?: Readonly<Record<string, string>>;
  };
}

declare module "../../platform/module/module.js" {
  interface ModuleParts {
    /** Text commands this module contributes to the language (see TextCommandDef). */
    textCommands?: readonly TextCommandDef[];
  }
}
