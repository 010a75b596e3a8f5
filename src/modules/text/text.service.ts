import type { Actor } from "../../platform/access/actor.js";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { AppError } from "../../platform/errors.js";
import { KeyedQueue } from "../../platform/keyed-queue.js";
import { localDateOf } from "../../platform/local-date.js";
import { fail } from "./amounts.js";
import { waitingIn } from "./conversation-state.js";
import { coreCommands } from "./text.commands.js";
import type { ConversationRow, TextRepo } from "./text.repo.js";
import type { TextChannel } from "./text.tables.js";
import { HINT, TextLanguage } from "./text-language.js";
import type { TextCommand, TextCommandDef, TextReply } from "./text-registry.js";
import { CHOICE, type Choice, type Message, type TextContext, TextTurn, type Waiting } from "./text-turn.js";
import { UndoLog } from "./undo-log.js";

export type { TextChannel, TextContext, TextReply };

/** A message read and parsed, its lookups made: `TextService.run` acts on it inside a unit of work. */
export interface PreparedMessage {
  ctx: TextContext;
  turn: Message | TextReply;
}

/** How long a question (numbered choices, a review card, a yes) stays open. */
export const PENDING_TTL_MS = 24 * 3600_000;
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

  private readonly undoLog: UndoLog;
  private readonly conversations = new KeyedQueue();

  constructor(private readonly deps: TextDeps) {
    this.undoLog = new UndoLog(deps.text);
  }

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
    // One conversation's messages one after another, in the order they came (ADR 0020).
    return this.conversations.run(`${ctx.userId}:${ctx.conversationKey}`, async () => {
      const prepared = await this.prepare(ctx, input);
      try {
        return await this.deps.uow.grouped(() => this.run(prepared));
      } catch (err) {
        return this.failure(err, ctx);
      }
    });
  }

  /** Reads the sender and the conversation, parses and routes the message and makes its lookups; writes nothing. */
  async prepare(ctx: TextContext, input: string): Promise<PreparedMessage> {
    try {
      const m = await this.begin(ctx, typeof input === "string" ? input : "");
      if ("text" in m) return { ctx, turn: m };
      const def = this.language.definitionOf(m.cmd.kind);
      if (def?.prepare)
        m.prepared = await def.prepare(
          m.cmd,
          new TextTurn(m, (kind, payload) => this.undoLog.record(m, kind, payload)),
        );
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
      return await this.deps.uow.savepoint(() =>
        this.finish(new TextTurn(m, (kind, payload) => this.undoLog.record(m, kind, payload))),
      );
    } catch (err) {
      return this.failure(err, prepared.ctx);
    }
  }

  /** Remembers `bookId` as the book the conversation last spoke of (e.g. a reminder), so `142` means it. */
  async rememberBook(userId: string, conversationKey: string, bookId: string): Promise<void> {
    await this.deps.text.saveLastBook(userId, conversationKey, bookId, this.deps.clock.now().toISOString());
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
      conv && now.getTime() - Date.parse(conv.updated_at) < PENDING_TTL_MS ? this.waitingOf(conv) : undefined;
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

  private waitingOf(conv: ConversationRow): Waiting | undefined {
    const w = waitingIn(conv, this.language);
    if (!w && conv.pending)
      this.deps.log?.warn?.({ conversation: conv.conversation_key }, "dropped a malformed pending question");
    return w;
  }

  private answersNumber(waiting: Waiting | undefined, value: number): boolean {
    const answers = waiting && this.language.byName(waiting.owner)?.answers;
    return answers?.takesNumber?.(value, waiting!.state) === true && answers.number !== undefined;
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
        return this.undoLog.undo(t, this.language);
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
}

/** A service error as a reply sentence. */
function sentence(message: string): string {
  const s = message.trim();
  return /[.!?]$/.test(s) ? s : `${s}.`;
}
