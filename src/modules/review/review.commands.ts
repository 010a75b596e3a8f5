import { fail } from "../text/amounts.js";
import { lookup } from "../text/normalize.js";
import type { TextCommand, TextCommandDef, Turn } from "../text/text-registry.js";
import type { HighlightReview } from "./highlight-review.js";
import type { ReviewService } from "./review.service.js";
import { type ReviewSession, type ReviewTextCommand, reviewText } from "./review-text.js";

/** What undoing a highlight answer needs (the undo log's `highlight-answer` payload). */
interface AnswerUndo {
  cardId: string;
  answerId: string;
}

/** What the conversation holds while a review runs (the owner name of `Turn.wait`). */
export const REVIEW_SESSION = "review";

const ANSWERS: Record<string, ReviewTextCommand> = {
  again: { kind: "grade", grade: 1 },
  hard: { kind: "grade", grade: 2 },
  good: { kind: "grade", grade: 3 },
  easy: { kind: "grade", grade: 4 },
  skip: { kind: "reviewControl", action: "skip" },
  later: { kind: "reviewControl", action: "later" },
  stop: { kind: "reviewControl", action: "stop" },
  master: { kind: "highlightAnswer", answer: "master" },
  soon: { kind: "highlightAnswer", answer: "soon" },
};
/** What `review <answer>` may say: a grade or a way to leave the card (the CLI's `readlog review 3`). */
const REVIEW_ANSWERS: Record<string, ReviewTextCommand> = {
  "1": { kind: "grade", grade: 1 },
  "2": { kind: "grade", grade: 2 },
  "3": { kind: "grade", grade: 3 },
  "4": { kind: "grade", grade: 4 },
  ...ANSWERS,
};
/** Every answer `review <answer>` takes, in the order help lists them. */
export const REVIEW_ANSWER_WORDS: readonly string[] = Object.keys(REVIEW_ANSWERS);

function isSession(v: unknown): v is ReviewSession {
  const s = v as Partial<ReviewSession>;
  return (
    typeof s?.cardId === "string" &&
    Number.isSafeInteger(s.reps) &&
    Array.isArray(s.skipped) &&
    s.skipped.every((x) => typeof x === "string") &&
    (s.kind === undefined || s.kind === "scheduled" || s.kind === "highlight")
  );
}

/**
 * `review`, then grades (1–4, again/hard/good/easy) for book cards, master/soon/later for highlight cards, and
 * skip/later/stop: the review module's text commands. A highlight answer is undoable (`undo`).
 */
export function reviewCommands(review: ReviewService, highlights?: HighlightReview): TextCommandDef {
  const deps = { review, ...(highlights ? { highlights } : {}) };
  const run = async (cmd: ReviewTextCommand, turn: Turn) => {
    const source = turn.source;
    const session = turn.waiting<ReviewSession>(REVIEW_SESSION);
    const r = await reviewText(deps, turn.actor, session, cmd, source);
    if (r.session) turn.wait(REVIEW_SESSION, r.session);
    if (r.answered)
      await turn.logUndo("highlight-answer", {
        cardId: r.answered.cardId,
        answerId: r.answered.answerId,
      } satisfies AnswerUndo);
    return { text: r.text };
  };
  return {
    name: REVIEW_SESSION,
    kinds: ["review", "grade", "reviewControl", "highlightAnswer"],
    exact: { review: { kind: "review" }, ...ANSWERS },
    reserved: ["review", "again", "hard", "good", "easy", "skip", "later", "stop", "master", "soon"],
    parse: {
      stage: "keyword",
      order: 120,
      // `review 3`, `review good`, `review skip`: an answer to the card shown, whatever else is pending.
      read(m) {
        if (m.verb !== "review") return undefined;
        const answer = lookup(REVIEW_ANSWERS, m.rest.toLowerCase());
        if (answer) return { ...answer };
        return fail(
          "not_understood",
          "`review` takes 1–4 (again, hard, good, easy), skip, later or stop, e.g. `review 3`. Send `review` alone to see the next card.",
        );
      },
    },
    isCommand(v) {
      const c = v as { kind?: unknown; grade?: unknown; action?: unknown };
      if (c.kind === "review") return true;
      const a = (v as { answer?: unknown }).answer;
      if (c.kind === "highlightAnswer") return a === "master" || a === "soon";
      if (c.kind === "grade") return c.grade === 1 || c.grade === 2 || c.grade === 3 || c.grade === 4;
      return (
        c.kind === "reviewControl" && (c.action === "skip" || c.action === "later" || c.action === "stop")
      );
    },
    isState: isSession,
    handle: (cmd: TextCommand, turn) => run(cmd as ReviewTextCommand, turn),
    answers: {
      // While a card waits, a bare 1–4 grades it.
      takesNumber: (value) => value >= 1 && value <= 4,
      number: (value, _state, turn) => run({ kind: "grade", grade: value as 1 | 2 | 3 | 4 }, turn),
    },
    undo: {
      "highlight-answer": async (payload, turn) => {
        const p = payload as Partial<AnswerUndo>;
        if (!highlights || typeof p.cardId !== "string" || typeof p.answerId !== "string")
          return { text: "That change cannot be undone." };
        try {
          await highlights.undoAnswer(turn.actor, p.cardId, p.answerId);
        } catch {
          return {
            text: "That answer cannot be undone any more (it was from another day, or changed since).",
          };
        }
        return { text: "Undone: the highlight's answer is taken back." };
      },
    },
    help: {
      lines: [
        {
          order: 90,
          line: "review, then 1–4 or again / hard / good / easy (skip, later, stop); highlights: master / soon / later",
        },
      ],
      topics: {
        review:
          "Send review, then grade each book card 1–4 (again, hard, good, easy), or skip, later, stop. A highlight card takes master (never again), soon (more often) or later (less often); undo takes an answer back.",
      },
      aliases: { grades: "review" },
    },
  };
}
