import { type EnumValue, enumeration } from "../../platform/enum.js";
import type { LocalDate } from "../books/books.tables.js";
import type { Instant } from "../users/users.tables.js";

/** What a card is about. */
export const REVIEW_CARD_KINDS = enumeration(["book", "note", "highlight"]);
export type ReviewCardKind = EnumValue<typeof REVIEW_CARD_KINDS>;
/** Where a review was made. */
export const REVIEW_SOURCES = enumeration(["web", "api", "cli", "whatsapp", "telegram"]);
export type ReviewSource = EnumValue<typeof REVIEW_SOURCES>;

/** A user's spaced-repetition settings (absent: the defaults). */
export interface ReviewSettingsTable {
  owner_id: string;
  desired_retention: number;
  updated_at: Instant;
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
}
