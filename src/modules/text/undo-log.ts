import { newId } from "../../platform/ids.js";
import type { TextRepo } from "./text.repo.js";
import type { TextLanguage } from "./text-language.js";
import type { TextReply } from "./text-registry.js";
import type { Message, TextTurn } from "./text-turn.js";

/**
 * The conversation's undo log: a definition that changed something records what undoing it needs
 * (`Turn.logUndo`); `undo` takes back the newest change not yet undone, through the definition that
 * registered an undo handler for its kind.
 */
export class UndoLog {
  constructor(private readonly repo: TextRepo) {}

  async undo(t: TextTurn, language: TextLanguage): Promise<TextReply> {
    const { actor, key, now } = t.message;
    const row = await this.repo.lastUndo(actor.userId, key);
    if (!row) return { text: "Nothing to undo." };
    if (!(await this.repo.markUndone(actor.userId, row.id, now.toISOString())))
      return { text: "That was undone already." };
    const handler = language.defs.find((d) => d.undo?.[row.kind])?.undo?.[row.kind];
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

  async record(m: Message, kind: string, payload: unknown): Promise<void> {
    // Ids order the log: keep their time part strictly increasing within a conversation.
    const newest = await this.repo.newestUndo(m.actor.userId, m.key);
    const at = Math.max(m.now.getTime(), newest ? Date.parse(newest.created_at) + 1 : 0);
    await this.repo.insertUndo({
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
