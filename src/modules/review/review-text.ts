import type { Grade } from "ts-fsrs";
import type { Actor } from "../../platform/access/actor.js";
import { addDays } from "../../platform/local-date.js";
import type { CardRow } from "./review.repo.js";
import type { ReviewService } from "./review.service.js";
import type { ReviewSource } from "./review.tables.js";

/** A review session held in the conversation: the card waiting for a grade and the ones skipped. */
export interface ReviewSession {
  cardId: string;
  /** The card's review count when it was shown: the grade's idempotency key. */
  reps: number;
  skipped: string[];
}

export type ReviewTextCommand =
  | { kind: "review" }
  | { kind: "grade"; grade: Grade }
  | { kind: "reviewControl"; action: "skip" | "later" | "stop" };

export interface ReviewTurn {
  text: string;
  /** The session after this message; undefined: it ended. */
  session?: ReviewSession;
}

const GRADE_WORDS = ["", "Again", "Hard", "Good", "Easy"] as const;
const HOW = "Reply 1 again, 2 hard, 3 good, 4 easy — or skip, later, stop.";

/**
 * `review` starts a session with the oldest due card, a grade (1–4 or again/hard/good/easy) grades the
 * card shown and shows the next, `skip` moves on for this session, `later` puts the card off to
 * tomorrow, `stop` ends the session. The grade's idempotency key is the card's review number when it
 * was shown, so a message delivered twice records one review.
 */
export async function reviewText(
  review: ReviewService,
  reader: Actor,
  session: ReviewSession | undefined,
  cmd: ReviewTextCommand,
  source: ReviewSource,
): Promise<ReviewTurn> {
  if (cmd.kind === "review") return next(review, reader, [], "");
  if (!session) {
    if (cmd.kind === "reviewControl" && cmd.action === "stop") return { text: "No review is running." };
    return { text: "No review is running: send `review` to start one." };
  }
  if (cmd.kind === "reviewControl") {
    if (cmd.action === "stop") {
      const left = await review.countDue(reader);
      return { text: `Review stopped.${left > 0 ? ` ${cards(left)} still due today.` : ""}` };
    }
    if (cmd.action === "skip") return next(review, reader, [...session.skipped, session.cardId], "Skipped. ");
    await review.postpone(reader, session.cardId);
    return next(review, reader, session.skipped, "Put off to tomorrow. ");
  }
  const { card, replayed } = await review.grade(reader, session.cardId, cmd.grade, {
    source,
    idempotencyKey: `text:${session.cardId}:${session.reps}`,
  });
  const head = replayed
    ? "Already graded. "
    : `${GRADE_WORDS[cmd.grade]} — next review ${inDays(card, review.todayOf(reader))}. `;
  return next(review, reader, session.skipped, head);
}

async function next(
  review: ReviewService,
  reader: Actor,
  skipped: string[],
  head: string,
): Promise<ReviewTurn> {
  const due = await review.due(reader, skipped, 2);
  const card = due[0];
  if (!card) {
    const more = skipped.length > 0 ? ` (${cards(skipped.length)} skipped stay due)` : "";
    return {
      text: `${head}${head ? "That was the last card due today" : "Nothing to review today"}${more}.`,
    };
  }
  const total = await review.countDue(reader);
  const left = total - skipped.length;
  return {
    text: `${head}${left > 1 ? `(${left} due) ` : ""}${card.prompt} ${HOW}`,
    session: { cardId: card.id, reps: card.reps, skipped },
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
 * The daily review digest (a `what: "review"` reminder): the first due card, how many are due and how to
 * answer, with the session to hold in the conversation so a bare `3` grades that card. Undefined: nothing due.
 */
export async function reviewDigest(review: ReviewService, reader: Actor): Promise<ReviewTurn | undefined> {
  const card = (await review.due(reader, [], 1))[0];
  if (!card) return undefined;
  const total = await review.countDue(reader);
  return {
    text: [`Review time: ${cards(total)} due today.`, card.prompt, HOW].join("\n"),
    session: { cardId: card.id, reps: card.reps, skipped: [] },
  };
}
