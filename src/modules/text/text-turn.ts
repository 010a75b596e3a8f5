import type { Actor } from "../../platform/access/actor.js";
import { formatChoicePrompt } from "./reply-format.js";
import type { ConversationRow } from "./text.repo.js";
import type { TextChannel } from "./text.tables.js";
import type { TextCommand, TextReply, Turn } from "./text-registry.js";

/** Who sent a message, through what, and in which conversation. */
export interface TextContext {
  userId: string;
  channel: TextChannel;
  /** One conversation's state (what waits for an answer, last book, undo log): "api", "whatsapp:60173526233". */
  conversationKey: string;
  /** The message this one replies to, when the channel knows it (e.g. a reminder about a book). */
  replyTo?: { bookId?: string };
  /** When the message was sent: its local day is the day pages are logged for (defaults to now). */
  receivedAt?: Date;
  /** The sender as an actor, when the caller has it (an API request: the credential's scopes); else looked up. */
  actor?: Actor;
}

/** The owner of numbered choices (`Turn.choose`). */
export const CHOICE = "choice";
/** Most numbered choices offered. */
export const MAX_CHOICES = 9;

/** What a definition left waiting in a conversation. */
export interface Waiting {
  owner: string;
  state: unknown;
}
export interface Choice {
  command: TextCommand;
  choices: string[];
}

/** One message, parsed and routed: the command to run (after a numbered choice, the remembered one). */
export interface Message {
  actor: Actor;
  ctx: TextContext;
  key: string;
  now: Date;
  today: string;
  sentOn: string;
  conv: ConversationRow | undefined;
  waiting: Waiting | undefined;
  cmd: TextCommand;
  chosen?: string;
  prepared?: unknown;
}

/** One message's turn as definitions see it (the Turn port). */
export class TextTurn implements Turn {
  /** What the conversation waits for after this message. */
  next: Waiting | undefined;
  private readonly memos = new Map<string, Promise<unknown>>();

  constructor(
    readonly message: Message,
    /** Records what undoing a change needs in the conversation's undo log. */
    private readonly recordUndo: (kind: string, payload: unknown) => Promise<void>,
  ) {}

  get actor() {
    return this.message.actor;
  }
  get now() {
    return this.message.now;
  }
  get today() {
    return this.message.today;
  }
  get sentOn() {
    return this.message.sentOn;
  }
  get channel() {
    return this.message.ctx.channel;
  }
  get source() {
    return this.message.ctx.channel;
  }
  get conversationKey() {
    return this.message.key;
  }
  get replyToBookId() {
    return this.message.ctx.replyTo?.bookId;
  }
  get lastBookId() {
    return this.message.conv?.last_book_id ?? null;
  }
  get chosen() {
    return this.message.chosen;
  }
  get prepared() {
    return this.message.prepared;
  }

  waiting<T>(owner: string): T | undefined {
    const w = this.message.waiting;
    return w?.owner === owner ? (w.state as T) : undefined;
  }

  wait(owner: string, state: unknown): void {
    this.next = { owner, state };
  }

  choose(command: TextCommand, options: readonly { id: string; label: string }[]): TextReply {
    const shown = options.slice(0, MAX_CHOICES);
    this.next = { owner: CHOICE, state: { command, choices: shown.map((o) => o.id) } satisfies Choice };
    return { text: formatChoicePrompt(shown.map((o) => o.label)) };
  }

  logUndo(kind: string, payload: unknown): Promise<void> {
    return this.recordUndo(kind, payload);
  }

  memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let p = this.memos.get(key);
    if (!p) {
      p = compute();
      this.memos.set(key, p);
    }
    return p as Promise<T>;
  }
}
