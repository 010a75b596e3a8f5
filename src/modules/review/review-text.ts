import type { Grade } from "ts-fsrs";
import type { Actor } from "../../platform/access/actor.js";
import { addDays } from "../../platform/local-date.js";
import type { HighlightReview } from "./highlight-review.js";
import type { CardRow } from "./review.repo.js";
import type { ReviewService } from "./review.service.js";
import type { HighlightAnswer, ReviewSource } from "./review.tables.js";

/** A review session held in the conversation: the card waiting for an answer and the ones skipped. */
export interface ReviewSession {
  cardId: string;
  /** The card's review count when it was shown: the grade's idempotency key. */
  reps: number;
  skipped: string[];
  /** "highlight" when the card shown is a highlight card (answered master / soon / later). */
  kind?: "scheduled" | "highlight";
}

export type ReviewTextCommand =
  | { kind: "review" }
  | { kind: "grade"; grade: Grade }
  | { kind: "reviewControl"; action: "skip" | "later" | "stop" }
  | { kind: "highlightAnswer"; answer: "master" | "soon" };

export interface ReviewTurn {
  text: string;
  /** The session after this message; undefined: it ended. */
  session?: ReviewSession;
  /** A highlight card answered this turn (what undo takes back). */
  answered?: { cardId: string; answerId: string; answer: HighlightAnswer };
}

const GRADE_WORDS = ["", "Again", "Hard", "Good", "Easy"] as const;
const HOW = "Reply 1 again, 2 hard, 3 good, 4 easy — or skip, later, stop.";
const HOW_HIGHLIGHT = "Reply master (never again), soon (more often) or later (less often) — or skip, stop.";
const ANSWER_WORDS: Record<HighlightAnswer, string> = {
  master: "Mastered: it will not come back",
  soon: "It will come back sooner",
  later: "It will come back less often",
};

export interface ReviewTextDeps {
  review: ReviewService;
  /** Absent: no highlight cards (scheduled cards only). */
  highlights?: HighlightReview;
}

/**
 * `review` starts a session, mixing the scheduled (book) cards due and today's highlight cards, one kind
 * then the other; a grade (1–4 or again/hard/good/easy) grades the book card shown, master/soon/later answer
 * the highlight card shown, and the next card follows. `skip` moves on for this session, `later` puts a book
 * card off to tomorrow (and on a highlight card means "less often"), `stop` ends the session. The grade's
 * idempotency key is the card's review number when it was shown, so a message delivered twice records one
 * review; a highlight answer given twice the same day is one answer.
 */
export async function reviewText(
  deps: ReviewTextDeps,
  reader: Actor,
  session: ReviewSession | undefined,
  cmd: ReviewTextCommand,
  source: ReviewSource,
): Promise<ReviewTurn> {
  const { review } = deps;
  if (cmd.kind === "review") return next(deps, reader, [], "", "highlight");
  if (!session) {
    if (cmd.kind === "reviewControl" && cmd.action === "stop") return { text: "No review is running." };
    return { text: "No review is running: send `review` to start one." };
  }
  const onHighlight = session.kind === "highlight";
  if (cmd.kind === "reviewControl" && cmd.action === "stop") {
    const left = await remaining(deps, reader, []);
    return { text: `Review stopped.${left > 0 ? ` ${cards(left)} still due today.` : ""}` };
  }
  if (cmd.kind === "reviewControl" && cmd.action === "skip")
    return next(deps, reader, [...session.skipped, session.cardId], "Skipped. ", session.kind);
  if (onHighlight) {
    const answer: HighlightAnswer | undefined =
      cmd.kind === "highlightAnswer" ? cmd.answer : cmd.kind === "reviewControl" ? "later" : undefined;
    if (!answer || !deps.highlights) return { text: `That was a highlight: ${HOW_HIGHLIGHT}`, session };
    const r = await deps.highlights.answer(reader, session.cardId, answer, source);
    const turn = await next(deps, reader, session.skipped, `${ANSWER_WORDS[answer]}. `, "highlight");
    return { ...turn, answered: { cardId: session.cardId, answerId: r.answer.id, answer } };
  }
  if (cmd.kind === "highlightAnswer") return { text: `That was a book card: ${HOW}`, session };
  if (cmd.kind === "reviewControl") {
    await review.postpone(reader, session.cardId);
    return next(deps, reader, session.skipped, "Put off to tomorrow. ", "scheduled");
  }
  const { card, replayed } = await review.grade(reader, session.cardId, cmd.grade, {
    source,
    idempotencyKey: `text:${session.cardId}:${session.reps}`,
  });
  const head = replayed
    ? "Already graded. "
    : `${GRADE_WORDS[cmd.grade]} — next review ${inDays(card, review.todayOf(reader))}. `;
  return next(deps, reader, session.skipped, head, "scheduled");
}

/** Today's highlight cards not answered yet (nor skipped). */
async function openPicks(deps: ReviewTextDeps, reader: Actor, skipped: readonly string[]) {
  if (!deps.highlights) return { open: [], skippedScheduled: skipped.length };
  const skip = new Set(skipped);
  const all = await deps.highlights.today(reader);
  const ids = new Set(all.map((p) => p.card.id));
  return {
    open: all.filter(
      (p) => p.answer === null && !skip.has(p.card.id) && !p.card.retired_at && !p.card.suspended_at,
    ),
    skippedScheduled: skipped.filter((id) => !ids.has(id)).length,
  };
}

async function remaining(deps: ReviewTextDeps, reader: Actor, skipped: readonly string[]): Promise<number> {
  const scheduled = await deps.review.countDue(reader);
  const picks = await openPicks(deps, reader, skipped);
  return Math.max(0, scheduled - picks.skippedScheduled) + picks.open.length;
}

/** The next card: after a book card a highlight if any is left, after a highlight a book card if any is due. */
async function next(
  deps: ReviewTextDeps,
  reader: Actor,
  skipped: string[],
  head: string,
  last: ReviewSession["kind"],
): Promise<ReviewTurn> {
  const { review } = deps;
  const scheduled = (await review.due(reader, skipped, 1))[0];
  const { open: picks, skippedScheduled } = await openPicks(deps, reader, skipped);
  const pick = picks[0];
  const showHighlight = pick && (!scheduled || last === "scheduled");
  if (!scheduled && !pick) {
    const more = skipped.length > 0 ? ` (${cards(skipped.length)} skipped stay due)` : "";
    return {
      text: `${head}${head ? "That was the last card due today" : "Nothing to review today"}${more}.`,
    };
  }
  const scheduledLeft = Math.max(0, (await review.countDue(reader)) - skippedScheduled);
  const left = scheduledLeft + picks.length;
  const count = left > 1 ? `(${left} due) ` : "";
  if (showHighlight) {
    return {
      text: `${head}${count}${pick.card.prompt}\n${HOW_HIGHLIGHT}`,
      session: { cardId: pick.card.id, reps: pick.card.reps, skipped, kind: "highlight" },
    };
  }
  const [card] = await review.present(reader.userId, [scheduled!]);
  return {
    text: `${head}${count}${card!.prompt} ${HOW}`,
    session: { cardId: card!.id, reps: card!.reps, skipped, kind: "scheduled" },
  };
}

function inDays(card: CardRow, today: string): string {
  if (card.due_on <= today) return "today";
  if (card.due_on === addDays(today, 1)) return "tomorrow";
  return `on ${card.due_on}`;
}

function cards(n: number): string {
  return `${n} card${n === 1 ? "" : "s"}`;
}

/**
 * The daily review digest (a `what: "review"` reminder): the first card — a book card due, else today's first
 * highlight card — how many there are and how to answer, with the session to hold in the conversation so a
 * bare `3` (or `soon`) answers that card. Undefined: nothing to review.
 */
export async function reviewDigest(deps: ReviewTextDeps, reader: Actor): Promise<ReviewTurn | undefined> {
  const { review } = deps;
  const scheduled = (await review.due(reader, [], 1))[0];
  const picks = (await openPicks(deps, reader, [])).open;
  if (!scheduled && picks.length === 0) return undefined;
  const total = await review.countDue(reader);
  const parts = [
    ...(total > 0 ? [`${cards(total)} due`] : []),
    ...(picks.length > 0 ? [`${picks.length} highlight${picks.length === 1 ? "" : "s"}`] : []),
  ];
  const head = `Review time: ${parts.join(" and ")} today.`;
  if (scheduled) {
    const [card] = await review.present(reader.userId, [scheduled]);
    return {
      text: [head, card!.prompt, HOW].join("\n"),
      session: { cardId: card!.id, reps: card!.reps, skipped: [], kind: "scheduled" },
    };
  }
  const pick = picks[0]!;
  return {
    text: [head, pick.card.prompt, HOW_HIGHLIGHT].join("\n"),
    session: { cardId: pick.card.id, reps: pick.card.reps, skipped: [], kind: "highlight" },
  };
}
