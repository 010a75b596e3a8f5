import type { Actor } from "../../platform/access/actor.js";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { AppError } from "../../platform/errors.js";
import { newId } from "../../platform/ids.js";
import { localDateOf } from "../../platform/local-date.js";
import { fail } from "./amounts.js";
import { formatChoicePrompt } from "./reply-format.js";
import { coreCommands } from "./text.commands.js";
import type { ConversationRow, TextRepo } from "./text.repo.js";
import type { TextChannel } from "./text.tables.js";
import { HINT, TextLanguage } from "./text-language.js";
import type { TextCommand, TextCommandDef, TextReply, Turn } from "./text-registry.js";

export type { TextChannel, TextReply };

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

/** A message read and parsed, its lookups made: `TextService.run` acts on it inside a unit of work. */
export interface PreparedMessage {
  ctx: TextContext;
  turn: Message | TextReply;
}

/** How long a question (numbered choices, a review card, a yes) stays open. */
export const PENDING_TTL_MS = 24 * 3600_000;
/** The owner of numbered choices (`Turn.choose`). */
const CHOICE = "choice";
/** Most numbered choices offered. */
const MAX_CHOICES = 9;

/** What a definition left waiting in a conversation. */
interface Waiting {
  owner: string;
  state: unknown;
}
interface Choice {
  command: TextCommand;
  choices: string[];
}

/** One message, parsed and routed: the command to run (after a numbered choice, the remembered one). */
interface Message {
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

export interface TextDeps {
  uow: UnitOfWork;
  clock: Clock;
  /** The sender as an actor (the users module's lookup). */
  actorOf(userId: string): Promise<Actor | undefined>;
  text: TextRepo;
  log?: { error(obj: object, msg: string): void; warn?(obj: object, msg: string): void };
}

/**
 * Text commands (DESIGN.md §5) for every channel: parses a message with the language every module's
 * definitions make (`useCommands`), routes it (a bare number to the question waiting, else a page; `yes`
 * to the question asked; `undo` to the definition that logged the change), runs it in one unit of work and
 * answers one short reply. Never throws; every lookup is by the sender's id.
 */
export class TextService {
  private language = new TextLanguage([coreCommands]);

  constructor(private readonly deps: TextDeps) {}

  /** The language: the core words and every module's definitions. */
  useCommands(defs: readonly TextCommandDef[]): void {
    this.language = new TextLanguage([coreCommands, ...defs]);
  }

  get commands(): TextLanguage {
    return this.language;
  }

  /**
   * Handles one message and answers the reply to send back; never throws. The message is one unit of work:
   * in the caller's when there is one, else one of its own shared with other messages (group commit). What
   * may wait on the network (a metadata lookup) is done first, outside any transaction — so a caller that
   * holds one (a webhook) calls `prepare` before opening it and `run` inside it.
   */
  async handle(ctx: TextContext, input: string): Promise<TextReply> {
    const prepared = await this.prepare(ctx, input);
    try {
      return await this.deps.uow.grouped(() => this.run(prepared));
    } catch (err) {
      return this.failure(err, ctx);
    }
  }

  /** Reads the sender and the conversation, parses and routes the message and makes its lookups; writes nothing. */
  async prepare(ctx: TextContext, input: string): Promise<PreparedMessage> {
    try {
      const m = await this.begin(ctx, typeof input === "string" ? input : "");
      if ("text" in m) return { ctx, turn: m };
      const def = this.language.definitionOf(m.cmd.kind);
      if (def?.prepare) m.prepared = await def.prepare(m.cmd, new TextTurn(this, m));
      return { ctx, turn: m };
    } catch (err) {
      return { ctx, turn: this.failure(err, ctx) };
    }
  }

  /**
   * Runs a prepared message in the caller's unit of work. A command that fails half-way is rolled back to a
   * savepoint — nothing of it stays — and the failure is answered; the caller's unit goes on.
   */
  async run(prepared: PreparedMessage): Promise<TextReply> {
    const m = prepared.turn;
    if ("text" in m) return m;
    try {
      // A fresh turn per run: under group commit a unit may run again after its group rolled back.
      return await this.deps.uow.savepoint(() => this.finish(new TextTurn(this, m)));
    } catch (err) {
      return this.failure(err, prepared.ctx);
    }
  }

  /** Remembers `bookId` as the book the conversation last spoke of (e.g. a reminder), so `142` means it. */
  async rememberBook(userId: string, conversationKey: string, bookId: string): Promise<void> {
    const conv = await this.deps.text.conversation(userId, conversationKey);
    await this.save(userId, conversationKey, conv?.pending ?? null, bookId);
  }

  /** Leaves `state` waiting for `owner` in a conversation (e.g. the review digest's card, so `3` grades it). */
  async setWaiting(userId: string, conversationKey: string, owner: string, state: unknown): Promise<void> {
    const conv = await this.deps.text.conversation(userId, conversationKey);
    await this.save(userId, conversationKey, JSON.stringify({ owner, state }), conv?.last_book_id ?? null);
  }

  private save(userId: string, key: string, pending: string | null, lastBook: string | null) {
    return this.deps.text.saveConversation({
      owner_id: userId,
      conversation_key: key,
      pending,
      last_book_id: lastBook,
      updated_at: this.deps.clock.now().toISOString(),
    });
  }

  /** The reply to a command that threw: a service's refusal as a sentence, anything else logged. */
  private failure(err: unknown, ctx: TextContext): TextReply {
    if (err instanceof AppError && err.status < 500) return { text: sentence(err.message) };
    this.deps.log?.error({ err: String(err), userId: ctx.userId }, "text command failed");
    return { text: "Something went wrong on my side. Please try again in a moment." };
  }

  /** Reads the sender and the conversation, parses the message and routes a numbered choice (no writes). */
  private async begin(ctx: TextContext, input: string): Promise<Message | TextReply> {
    const actor = ctx.actor ?? (await this.deps.actorOf(ctx.userId));
    if (!actor || actor.userId !== ctx.userId) return { text: "This account is not available." };
    const now = this.deps.clock.now();
    const today = localDateOf(now, actor.timezone);
    const sentOn =
      ctx.receivedAt && ctx.receivedAt < now ? localDateOf(ctx.receivedAt, actor.timezone) : today;
    const key = ctx.conversationKey.trim().slice(0, 200) || ctx.channel;
    const conv = await this.deps.text.conversation(actor.userId, key);
    const waiting =
      conv && now.getTime() - Date.parse(conv.updated_at) < PENDING_TTL_MS ? this.waitingIn(conv) : undefined;
    const m: Message = {
      actor,
      ctx,
      key,
      now,
      today,
      sentOn,
      conv,
      waiting,
      cmd: this.language.parse(input, { today: sentOn }),
    };
    const value = m.cmd.kind === "number" ? (m.cmd as TextCommand & { value: number }).value : undefined;
    if (value !== undefined && waiting?.owner === CHOICE) {
      const choice = waiting.state as Choice;
      if (value >= 1 && value <= choice.choices.length)
        return { ...m, cmd: choice.command, chosen: choice.choices[value - 1]! };
    }
    if (value !== undefined && !this.answersNumber(waiting, value))
      m.cmd = this.language.definitionOf("page")
        ? ({ kind: "page", page: value } as TextCommand)
        : fail("not_understood", `I did not understand that. ${HINT}`);
    return m;
  }

  private answersNumber(waiting: Waiting | undefined, value: number): boolean {
    const answers = waiting && this.language.byName(waiting.owner)?.answers;
    return answers?.takesNumber?.(value, waiting!.state) === true && answers.number !== undefined;
  }

  /**
   * What waits in the conversation, checked against its owner's definition (the row is state the server
   * restores: anything malformed or of a definition no longer present is dropped).
   */
  private waitingIn(conv: ConversationRow): Waiting | undefined {
    if (!conv.pending) return undefined;
    let w: Waiting | undefined;
    try {
      const p = JSON.parse(conv.pending) as Record<string, unknown>;
      if (typeof p.owner === "string") w = { owner: p.owner, state: p.state };
      else if ("choices" in p) w = { owner: CHOICE, state: p };
      else if ("review" in p) w = { owner: "review", state: p.review };
      else if ("confirm" in p) w = { owner: "progress", state: p.confirm };
    } catch {
      w = undefined;
    }
    const valid =
      w !== undefined &&
      (w.owner === CHOICE
        ? this.isChoice(w.state)
        : this.language.byName(w.owner)?.isState?.(w.state) === true);
    if (!valid)
      this.deps.log?.warn?.({ conversation: conv.conversation_key }, "dropped a malformed pending question");
    return valid ? w : undefined;
  }

  private isChoice(v: unknown): v is Choice {
    const c = v as Partial<Choice>;
    return (
      this.language.isCommand(c?.command) &&
      Array.isArray(c.choices) &&
      c.choices.length >= 1 &&
      c.choices.length <= MAX_CHOICES &&
      c.choices.every((id) => typeof id === "string")
    );
  }

  /** Runs the command and saves the conversation's state; the reply. */
  private async finish(t: TextTurn): Promise<TextReply> {
    const { conv, actor, key } = t.message;
    const reply = await this.dispatch(t);
    const lastBook = reply.bookId ?? conv?.last_book_id ?? null;
    const pending = t.next ? JSON.stringify(t.next) : null;
    if (!conv || conv.pending !== pending || conv.last_book_id !== lastBook || pending)
      await this.save(actor.userId, key, pending, lastBook);
    return reply;
  }

  private async dispatch(t: TextTurn): Promise<TextReply> {
    const { cmd, waiting } = t.message;
    const answers = waiting && this.language.byName(waiting.owner)?.answers;
    switch (cmd.kind) {
      case "unknown":
        return { text: (cmd as TextCommand & { reason: string }).reason };
      case "help":
        return { text: this.language.helpText((cmd as { topic?: string }).topic) };
      case "undo":
        return this.undo(t);
      case "number":
        if (!answers?.number) break;
        return answers.number((cmd as TextCommand & { value: number }).value, waiting!.state, t);
      case "answer":
        if (!answers?.yesNo) return { text: "Nothing is waiting for a yes or no." };
        return answers.yesNo((cmd as TextCommand & { yes: boolean }).yes, waiting!.state, t);
    }
    const def = this.language.definitionOf(cmd.kind);
    if (!def?.handle) return { text: `I did not understand that. ${HINT}` };
    return def.handle(cmd, t);
  }

  private async undo(t: TextTurn): Promise<TextReply> {
    const { actor, key, now } = t.message;
    const row = await this.deps.text.lastUndo(actor.userId, key);
    if (!row) return { text: "Nothing to undo." };
    if (!(await this.deps.text.markUndone(actor.userId, row.id, now.toISOString())))
      return { text: "That was undone already." };
    const handler = this.language.defs.find((d) => d.undo?.[row.kind])?.undo?.[row.kind];
    let payload: unknown;
    try {
      payload = JSON.parse(row.payload);
    } catch {
      payload = undefined;
    }
    if (!handler || typeof payload !== "object" || payload === null)
      return { text: "That change cannot be undone." };
    return handler(payload, t);
  }

  /** Logs what undoing a change needs (Turn.logUndo). */
  async logUndo(m: Message, kind: string, payload: unknown): Promise<void> {
    const repo = this.deps.text;
    // Ids order the log: keep their time part strictly increasing within a conversation.
    const newest = await repo.newestUndo(m.actor.userId, m.key);
    const at = Math.max(m.now.getTime(), newest ? Date.parse(newest.created_at) + 1 : 0);
    await repo.insertUndo({
      id: newId(at),
      owner_id: m.actor.userId,
      conversation_key: m.key,
      kind,
      payload: JSON.stringify(payload),
      created_at: new Date(at).toISOString(),
      undone_at: null,
    });
  }
}

/** One message's turn as definitions see it (the Turn port). */
class TextTurn implements Turn {
  /** What the conversation waits for after this message. */
  next: Waiting | undefined;
  private readonly memos = new Map<string, Promise<unknown>>();

  constructor(
    private readonly service: TextService,
    readonly message: Message,
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
    return this.service.logUndo(this.message, kind, payload);
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

/** A service error as a reply sentence. */
function sentence(message: string): string {
  const s = message.trim();
  return /[.!?]$/.test(s) ? s : `${s}.`;
}
