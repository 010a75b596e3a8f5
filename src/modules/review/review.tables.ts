import { type EnumValue, enumeration } from "../../platform/enum.js";
import type { LocalDate } from "../books/books.tables.js";
import type { Instant } from "../users/users.tables.js";

/**
 * What a card is about: a book (FSRS), a note (FSRS), one highlight, or a book's highlights shown a few at
 * a time (`highlights`, its subject the book). Highlight cards are drawn by weight, not scheduled (ADR 0304).
 */
export const REVIEW_CARD_KINDS = enumeration(["book", "note", "highlight", "highlights"]);
export type ReviewCardKind = EnumValue<typeof REVIEW_CARD_KINDS>;
/** Where a review was made. */
export const REVIEW_SOURCES = enumeration(["web", "api", "cli", "whatsapp", "telegram"]);
export type ReviewSource = EnumValue<typeof REVIEW_SOURCES>;

/** How a book's highlights come to review: one card each, one card for the book, or not at all. */
export const HIGHLIGHT_CARD_MODES = enumeration(["highlight", "book", "off"]);
export type HighlightCardMode = EnumValue<typeof HIGHLIGHT_CARD_MODES>;
/** How a highlight card was answered: never again, more often, less often. */
export const HIGHLIGHT_ANSWERS = enumeration(["master", "soon", "later"]);
export type HighlightAnswer = EnumValue<typeof HIGHLIGHT_ANSWERS>;

/** A user's spaced-repetition settings (absent: the defaults). */
export interface ReviewSettingsTable {
  owner_id: string;
  desired_retention: number;
  highlight_cards: HighlightCardMode;
  /** How many highlight cards the day's review draws. */
  daily_highlights: number;
  updated_at: Instant;
}

/** A book's own choice of highlight cards (absent: the owner's). */
export interface ReviewBookSettingsTable {
  owner_id: string;
  book_id: string;
  highlight_cards: HighlightCardMode;
  updated_at: Instant;
}

/** One highlight card drawn for one day's review. */
export interface ReviewShowingsTable {
  id: string;
  owner_id: string;
  card_id: string;
  local_date: LocalDate;
  ord: number;
  /** JSON array of the highlight ids shown. */
  highlight_ids: string;
}

/** A master/soon/later answer to a highlight card (one per card and day: a second replaces it). */
export interface ReviewAnswersTable {
  id: string;
  owner_id: string;
  card_id: string;
  local_date: LocalDate;
  answer: HighlightAnswer;
  tune_before: number;
  retired_before: Instant | null;
  answered_at: Instant;
  source: ReviewSource;
}

/** One spaced-repetition card: its subject and its FSRS state (ts-fsrs `Card`). */
export interface ReviewCardsTable {
  id: string;
  owner_id: string;
  kind: ReviewCardKind;
  /** The row the card is about (for a book card, the book). */
  subject_id: string;
  book_id: string;
  prompt: string;
  /** The day of `due_at` in the owner's zone: due when it is today or earlier. */
  due_on: LocalDate;
  due_at: Instant;
  stability: number;
  difficulty: number;
  elapsed_days: number;
  scheduled_days: number;
  learning_steps: number;
  reps: number;
  lapses: number;
  /** ts-fsrs State: 0 new, 1 learning, 2 review, 3 relearning. */
  state: number;
  last_review: Instant | null;
  desired_retention: number | null;
  suspended_at: Instant | null;
  retired_at: Instant | null;
  created_at: Instant;
  updated_at: Instant;
  /** Highlight cards: the answers' factor on the card's weight (soon ×2, later ×½). */
  tune: number;
  /** Highlight cards: how many days' draws showed it. */
  shows: number;
  last_shown_on: LocalDate | null;
}

/** One review of a card (append-only). */
export interface ReviewLogsTable {
  id: string;
  owner_id: string;
  card_id: string;
  /** 1 again, 2 hard, 3 good, 4 easy. */
  grade: number;
  /** The card's state before the review. */
  state: number;
  /** The interval the review gave, in days. */
  scheduled_days: number;
  reviewed_at: Instant;
  local_date: LocalDate;
  source: ReviewSource;
  idempotency_key: string;
}

export interface ReviewTables {
  review_settings: ReviewSettingsTable;
  review_cards: ReviewCardsTable;
  review_logs: ReviewLogsTable;
  review_book_settings: ReviewBookSettingsTable;
  review_showings: ReviewShowingsTable;
  review_answers: ReviewAnswersTable;
}
