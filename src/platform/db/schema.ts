import type { Generated } from "kysely";

/** Instants are ISO-8601 UTC strings on both engines (timestamptz on PostgreSQL, TEXT on SQLite). */
export type Instant = string;

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  role: "admin" | "member";
  timezone: string;
  created_at: Instant;
  disabled_at: Instant | null;
}

export interface SessionsTable {
  /** SHA-256 of the cookie value; the cookie itself is never stored. */
  id_hash: string;
  user_id: string;
  created_at: Instant;
  expires_at: Instant;
  last_seen_at: Instant;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  /** SHA-256 of the secret; the secret is shown once at creation. */
  token_hash: string;
  /** First characters of the secret, to tell tokens apart in lists. */
  prefix: string;
  /** Space-separated subset of: read write admin. */
  scopes: string;
  created_at: Instant;
  last_used_at: Instant | null;
  expires_at: Instant | null;
  revoked_at: Instant | null;
}

export interface InvitesTable {
  id: string;
  code_hash: string;
  created_by: string;
  created_at: Instant;
  expires_at: Instant;
  used_at: Instant | null;
  used_by: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
}

/** Login attempts per key ("acct:<email>", "addr:<ip>", "dev:<hash>") in a one-hour window (ADR 0401). */
export interface LoginAttemptsTable {
  key: string;
  /** Epoch milliseconds. */
  window_start_ms: number;
  attempts: number;
  /** Epoch milliseconds: the next attempt is admitted from then on. */
  next_at_ms: number;
}

/** Devices (a long-lived cookie) an account logged in from: exempt from the account's delays. */
export interface TrustedDevicesTable {
  id_hash: string;
  user_id: string;
  created_at: Instant;
  last_used_at: Instant;
}

/** A local calendar day, 'YYYY-MM-DD' on both engines (date on PostgreSQL, TEXT on SQLite). */
export type LocalDate = string;

export type ReadingStatus = "wishlist" | "reading" | "paused" | "finished" | "abandoned";
export type EntrySource = "web" | "api" | "cli" | "whatsapp" | "telegram" | "import";

export interface BooksTable {
  id: string;
  owner_id: string;
  title: string;
  /** JSON array of names. */
  authors: string;
  isbn10: string | null;
  isbn13: string | null;
  total_pages: number | null;
  cover_url: string | null;
  /** Where the metadata came from: "openlibrary", "import", or null when typed by hand. */
  metadata_source: string | null;
  /** The status of the current read-through, kept here so the shelf filter is one index range. */
  status: ReadingStatus;
  current_reading_id: string | null;
  created_at: Instant;
  updated_at: Instant;
}

export interface ReadingsTable {
  id: string;
  owner_id: string;
  book_id: string;
  status: ReadingStatus;
  started_on: LocalDate | null;
  finished_on: LocalDate | null;
  rating: number | null;
  review: string | null;
  created_at: Instant;
  updated_at: Instant;
}

export interface StatusChangesTable {
  id: string;
  owner_id: string;
  reading_id: string;
  from_status: ReadingStatus | null;
  to_status: ReadingStatus;
  local_date: LocalDate;
  changed_at: Instant;
}

/** Append-only: a correction is a new row that `supersedes` the one it corrects. */
export interface ProgressEntriesTable {
  id: string;
  owner_id: string;
  reading_id: string;
  book_id: string;
  page: number | null;
  percent: number | null;
  local_date: LocalDate;
  recorded_at: Instant;
  source: EntrySource;
  supersedes: string | null;
  /** Pages this entry adds to its local day (negative for a correction downwards). */
  pages_delta: number;
  note: string | null;
}

/** Pages per owner, local day and book: a sum of progress_entries.pages_delta kept by the same writes. */
export interface DailyPagesTable {
  owner_id: string;
  local_date: LocalDate;
  book_id: string;
  pages: number;
  entries: number;
}

export interface GoalsTable {
  owner_id: string;
  year: number;
  books: number | null;
  pages: number | null;
  updated_at: Instant;
}

/** The outside id of an imported book (Goodreads `Book Id`, StoryGraph UID), to find it again on re-import. */
export interface ImportKeysTable {
  owner_id: string;
  /** "goodreads" or "storygraph". */
  source: string;
  external_id: string;
  book_id: string;
  created_at: Instant;
}

/** The embedded queue's table (src/platform/queue/sql-queue.ts). */
export interface JobsTable {
  id: string;
  name: string;
  /** The payload as JSON text. */
  payload: string;
  status: "waiting" | "running" | "dead";
  /** When a waiting job becomes due. */
  run_at: Instant;
  /** Attempts started so far (a claim counts one; a release on graceful stop gives it back). */
  attempts: Generated<number>;
  max_attempts: number;
  idempotency_key: string | null;
  /** The claim token of the worker that holds the job. */
  locked_by: string | null;
  /** The lease: past this instant a running job is taken back from its (presumed dead) worker. */
  locked_until: Instant | null;
  last_error: string | null;
  created_at: Instant;
  died_at: Instant | null;
}

/** What a text conversation (user + channel key) waits for: numbered choices and the last book asked about. */
export interface ConversationsTable {
  owner_id: string;
  /** "api", "cli", "web", "whatsapp:<number>", "telegram:<chat>". */
  conversation_key: string;
  /** JSON `{ command, choices: bookId[] }` while a numbered choice is open, else null. */
  pending: string | null;
  last_book_id: string | null;
  updated_at: Instant;
}

/** One change made by a text command, newest last; `undo` reverts the newest one not yet undone. */
export interface TextUndoTable {
  id: string;
  owner_id: string;
  conversation_key: string;
  /** "progress" | "shelf" | "book" | "links". */
  kind: string;
  /** JSON: what to put back. */
  payload: string;
  created_at: Instant;
  undone_at: Instant | null;
}

/** A link saved for later reading (fetching and extraction come later). */
export interface LinksTable {
  id: string;
  owner_id: string;
  url: string;
  status: "saved";
  comment: string | null;
  source: EntrySource;
  created_at: Instant;
}

export type ChannelKind = "whatsapp" | "telegram";

/** A verified link between a user and a WhatsApp number / Telegram chat. */
export interface ChannelLinksTable {
  id: string;
  owner_id: string;
  kind: ChannelKind;
  /** WhatsApp: the wa_id (digits), or the business-scoped user id when no number is known; Telegram: chat id. */
  address: string;
  /** WhatsApp business-scoped user id (`from_user_id`), when Meta sent one. */
  user_key: string | null;
  /** What to show in lists: the phone number, or the Telegram name. */
  display: string | null;
  verified_at: Instant;
  /** The last inbound message: WhatsApp's 24-hour window for free text runs from here. */
  last_inbound_at: Instant | null;
}

/** A one-time link code; only its SHA-256 is kept. */
export interface ChannelCodesTable {
  code_hash: string;
  owner_id: string;
  kind: ChannelKind;
  /** WhatsApp: the digits of the number the code must come from. */
  phone: string | null;
  created_at: Instant;
  expires_at: Instant;
  used_at: Instant | null;
}

export type MessageStatus = "received" | "queued" | "sending" | "sent" | "delivered" | "read" | "failed";

/** Inbound deliveries and the outbox, in one table. */
export interface MessagesTable {
  id: string;
  /** Null for messages from or to an address that is linked to nobody. */
  owner_id: string | null;
  direction: "in" | "out";
  channel: ChannelKind;
  /** Sender (inbound) or recipient (outbound). */
  address: string;
  /** "text", "template", or an inbound message type ("image", "audio", …). */
  type: string;
  body: string | null;
  /** Outbound templates: JSON {name, language, params}. */
  template: string | null;
  book_id: string | null;
  /** The provider's message id (wamid…, Telegram update/message id); unique per channel and direction. */
  provider_id: string | null;
  /** Inbound: the provider id of the message this one replies to. */
  reply_to_provider_id: string | null;
  /** Outbound: unique, so a retried handler never queues a message twice. */
  idempotency_key: string | null;
  status: MessageStatus;
  attempts: Generated<number>;
  next_attempt_at: Instant | null;
  locked_until: Instant | null;
  error_code: string | null;
  last_error: string | null;
  created_at: Instant;
  updated_at: Instant;
}

export interface Tables {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  invites: InvitesTable;
  settings: SettingsTable;
  login_attempts: LoginAttemptsTable;
  trusted_devices: TrustedDevicesTable;
  books: BooksTable;
  readings: ReadingsTable;
  status_changes: StatusChangesTable;
  progress_entries: ProgressEntriesTable;
  goals: GoalsTable;
  daily_pages: DailyPagesTable;
  import_keys: ImportKeysTable;
  jobs: JobsTable;
  conversations: ConversationsTable;
  text_undo: TextUndoTable;
  links: LinksTable;
  channel_links: ChannelLinksTable;
  channel_codes: ChannelCodesTable;
  messages: MessagesTable;
  schedules: SchedulesTable;
  leases: LeasesTable;
  review_settings: ReviewSettingsTable;
  review_cards: ReviewCardsTable;
  review_logs: ReviewLogsTable;
}

export interface SchedulesTable {
  id: string;
  owner_id: string;
  what: "pages" | "review";
  /** JSON: { daily: "HH:MM" } | { weekdays: number[], at: "HH:MM" } | { rrule: "FREQ=…" }. */
  when_rule: string;
  timezone: string;
  /** JSON array of channel kinds; null = every linked channel. */
  channels: string | null;
  quiet_from: string | null;
  quiet_to: string | null;
  /** JSON array of book ids this schedule never asks about. */
  exclude_book_ids: string;
  paused_until: Instant | null;
  /** The nominal slot that fires next (part of the job's idempotency key); null = no more slots. */
  next_slot_at: Instant | null;
  /** When that slot is delivered (after quiet hours, or a snooze). */
  next_fire_at: Instant | null;
  last_slot_at: Instant | null;
  created_at: Instant;
  updated_at: Instant;
}

/** A named lease: one holder at a time, taken over once it expires. */
export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: Instant;
}

/** A user's spaced-repetition settings (absent: the defaults). */
export interface ReviewSettingsTable {
  owner_id: string;
  desired_retention: number;
  updated_at: Instant;
}

export type ReviewCardKind = "book" | "note" | "highlight";
export type ReviewSource = "web" | "api" | "cli" | "whatsapp" | "telegram";

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
