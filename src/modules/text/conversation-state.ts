import type { ConversationRow } from "./text.repo.js";
import type { TextLanguage } from "./text-language.js";
import { CHOICE, type Choice, MAX_CHOICES, type Waiting } from "./text-turn.js";

/**
 * What waits in the conversation, checked against its owner's definition (the row is state the server
 * restores: anything malformed or of a definition no longer present is dropped, and `undefined` returned).
 * Rows written before the registry (`{choices}`, `{review}`, `{confirm}`) are read as their owners'.
 */
export function waitingIn(conv: ConversationRow, language: TextLanguage): Waiting | undefined {
  if (!conv.pending) return undefined;
  let w: Waiting | undefined;
  try {
    const p = JSON.parse(conv.pending) as Record<string, unknown>;
    if (typeof p.owner === "string") w = { owner: p.owner, state: p.state };
    else if ("choices" in p) w = { owner: CHOICE, state: p };
    else if ("review" in p) w = { owner: "review", state: p.review };
    else if ("confirm" in p) w = { owner: "progress", state: p.confirm };
  } catch {
    return undefined;
  }
  if (w === undefined) return undefined;
  const valid =
    w.owner === CHOICE ? isChoice(w.state, language) : language.byName(w.owner)?.isState?.(w.state) === true;
  return valid ? w : undefined;
}

function isChoice(v: unknown, language: TextLanguage): v is Choice {
  const c = v as Partial<Choice>;
  return (
    language.isCommand(c?.command) &&
    Array.isArray(c.choices) &&
    c.choices.length >= 1 &&
    c.choices.length <= MAX_CHOICES &&
    c.choices.every((id) => typeof id === "string")
  );
}
