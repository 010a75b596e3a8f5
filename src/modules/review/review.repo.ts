import type { Kysely, Selectable } from "kysely";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import type { BooksTables } from "../books/books.tables.js";
import type {
  HighlightCardMode,
  ReviewAnswersTable,
  ReviewCardsTable,
  ReviewLogsTable,
  ReviewSettingsTable,
  ReviewShowingsTable,
  ReviewTables,
} from "./review.tables.js";

export type CardRow = Selectable<ReviewCardsTable>;
export type LogRow = Selectable<ReviewLogsTable>;
export type ShowingRow = Selectable<ReviewShowingsTable>;
export type AnswerRow = Selectable<ReviewAnswersTable>;
export type SettingsRow = Selectable<ReviewSettingsTable>;

/** Cards the FSRS schedule asks (highlight cards are drawn by weight instead). */
export const SCHEDULED_KINDS = ["book", "note"] as const;
export const HIGHLIGHT_KINDS = ["highlight", "highlights"] as const;

/** SQL for review cards, review logs and review settings. Every query filters on the owner. */
export class ReviewRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Kysely<ReviewTables & Pick<BooksTables, "books">> {
    return this.scope.db;
  }

  /** Inserts a card unless the owner already has one for the same subject; true when inserted. */
  async insertCard(card: CardRow): Promise<boolean> {
    const r = await this.db
      .insertInto("review_cards")
      .values(card)
      .onConflict((oc) => oc.columns(["owner_id", "kind", "subject_id"]).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /** The owner's card (locked for the transaction on PostgreSQL when `lock`). */
  async card(ownerId: string, id: string, lock = false): Promise<CardRow | undefined> {
    let q = this.db
      .selectFrom("review_cards")
      .selectAll()
      .where("owner_id", "=", ownerId)
      .where("id", "=", id);
    if (lock && this.scope.kind === "postgres") q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async cardFor(ownerId: string, kind: CardRow["kind"], subjectId: string): Promise<CardRow | undefined> {
    return this.db
      .selectFrom("review_cards")
      .selectAll()
      .where("owner_id", "=", ownerId)
      .where("kind", "=", kind)
      .where("subject_id", "=", subjectId)
      .executeTakeFirst();
  }

  /** Active (not suspended or retired) cards due on `day` or earlier, oldest due first. */
  async due(
    ownerId: string,
    day: string,
    limit: number,
    exclude: readonly string[] = [],
  ): Promise<CardRow[]> {
    let q = this.db
      .selectFrom("review_cards")
      .selectAll()
      .where("owner_id", "=", ownerId)
      .where("due_on", "<=", day)
      .where("kind", "in", SCHEDULED_KINDS)
      .where("suspended_at", "is", null)
      .where("retired_at", "is", null);
    if (exclude.length > 0) q = q.where("id", "not in", exclude);
    return q.orderBy("due_on").orderBy("id").limit(limit).execute();
  }

  /** How many active cards are due on `day` or earlier. */
  async countDue(ownerId: string, day: string): Promise<number> {
    const r = await this.db
      .selectFrom("review_cards")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("owner_id", "=", ownerId)
      .where("due_on", "<=", day)
      .where("kind", "in", SCHEDULED_KINDS)
      .where("suspended_at", "is", null)
      .where("retired_at", "is", null)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Active cards due per day up to `until` (overdue ones count on their own day). */
  async duePerDay(ownerId: string, until: string): Promise<{ day: string; cards: number }[]> {
    const rows = await this.db
      .selectFrom("review_cards")
      .select((eb) => ["due_on", eb.fn.countAll<number>().as("n")])
      .where("owner_id", "=", ownerId)
      .where("due_on", "<=", until)
      .where("kind", "in", SCHEDULED_KINDS)
      .where("suspended_at", "is", null)
      .where("retired_at", "is", null)
      .groupBy("due_on")
      .execute();
    return rows.map((r) => ({ day: String(r.due_on), cards: Number(r.n) }));
  }

  async updateCard(ownerId: string, id: string, patch: Partial<CardRow>): Promise<void> {
    await this.db
      .updateTable("review_cards")
      .set(patch)
      .where("owner_id", "=", ownerId)
      .where("id", "=", id)
      .execute();
  }

  async insertLog(log: LogRow): Promise<void> {
    await this.db.insertInto("review_logs").values(log).execute();
  }

  async logByKey(ownerId: string, key: string): Promise<LogRow | undefined> {
    return this.db
      .selectFrom("review_logs")
      .selectAll()
      .where("owner_id", "=", ownerId)
      .where("idempotency_key", "=", key)
      .executeTakeFirst();
  }

  /** Reviews per local day from `from` on, with how many were graded good or easy. */
  async reviewsPerDay(
    ownerId: string,
    from: string,
  ): Promise<{ day: string; reviews: number; recalled: number }[]> {
    const rows = await this.db
      .selectFrom("review_logs")
      .select((eb) => [
        "local_date",
        eb.fn.countAll<number>().as("n"),
        eb.fn.sum<number>(eb.case().when("grade", ">=", 3).then(1).else(0).end()).as("ok"),
      ])
      .where("owner_id", "=", ownerId)
      .where("local_date", ">=", from)
      .groupBy("local_date")
      .orderBy("local_date")
      .execute();
    return rows.map((r) => ({ day: String(r.local_date), reviews: Number(r.n), recalled: Number(r.ok) }));
  }

  async settingsRow(ownerId: string): Promise<SettingsRow | undefined> {
    return this.db
      .selectFrom("review_settings")
      .selectAll()
      .where("owner_id", "=", ownerId)
      .executeTakeFirst();
  }

  async desiredRetention(ownerId: string): Promise<number | undefined> {
    return (await this.settingsRow(ownerId))?.desired_retention;
  }

  /** Writes the owner's settings (every column: the caller merges with the current ones). */
  async saveSettings(row: SettingsRow): Promise<void> {
    const { owner_id: _owner, ...set } = row;
    await this.db
      .insertInto("review_settings")
      .values(row)
      .onConflict((oc) => oc.column("owner_id").doUpdateSet(set))
      .execute();
  }

  /** Each book's own highlight card mode (books without one are absent). */
  async bookModes(ownerId: string, bookIds?: readonly string[]): Promise<Map<string, HighlightCardMode>> {
    if (bookIds && bookIds.length === 0) return new Map();
    let q = this.db
      .selectFrom("review_book_settings")
      .select(["book_id", "highlight_cards"])
      .where("owner_id", "=", ownerId);
    if (bookIds) q = q.where("book_id", "in", bookIds);
    const rows = await q.execute();
    return new Map(rows.map((r) => [r.book_id, r.highlight_cards]));
  }

  /** Sets (or with null removes) a book's own highlight card mode. */
  async saveBookMode(ownerId: string, bookId: string, mode: HighlightCardMode | null, at: string) {
    if (mode === null) {
      await this.db
        .deleteFrom("review_book_settings")
        .where("owner_id", "=", ownerId)
        .where("book_id", "=", bookId)
        .execute();
      return;
    }
    await this.db
      .insertInto("review_book_settings")
      .values({ owner_id: ownerId, book_id: bookId, highlight_cards: mode, updated_at: at })
      .onConflict((oc) =>
        oc.columns(["owner_id", "book_id"]).doUpdateSet({ highlight_cards: mode, updated_at: at }),
      )
      .execute();
  }

  /** How many active highlight cards of each kind the owner has per book. */
  async highlightCardCounts(
    ownerId: string,
  ): Promise<{ book_id: string; kind: CardRow["kind"]; n: number }[]> {
    const rows = await this.db
      .selectFrom("review_cards")
      .select((eb) => ["book_id", "kind", eb.fn.countAll().as("n")])
      .where("owner_id", "=", ownerId)
      .where("kind", "in", HIGHLIGHT_KINDS)
      .where("suspended_at", "is", null)
      .where("retired_at", "is", null)
      .groupBy(["book_id", "kind"])
      .execute();
    return rows.map((r) => ({ book_id: r.book_id, kind: r.kind, n: Number(r.n) }));
  }

  /** The owner's active cards of one kind on the books given. */
  async activeCardsOn(
    ownerId: string,
    kind: CardRow["kind"],
    bookIds: readonly string[],
  ): Promise<Pick<CardRow, "id" | "book_id" | "tune" | "shows">[]> {
    if (bookIds.length === 0) return [];
    return this.db
      .selectFrom("review_cards")
      .select(["id", "book_id", "tune", "shows"])
      .where("owner_id", "=", ownerId)
      .where("kind", "=", kind)
      .where("book_id", "in", bookIds)
      .where("suspended_at", "is", null)
      .where("retired_at", "is", null)
      .execute();
  }

  /** The owner's cards of `kind` on a book (any state). */
  async cardsOfBook(ownerId: string, bookId: string, kind: CardRow["kind"]): Promise<CardRow[]> {
    return this.db
      .selectFrom("review_cards")
      .selectAll()
      .where("owner_id", "=", ownerId)
      .where("book_id", "=", bookId)
      .where("kind", "=", kind)
      .execute();
  }

  async cardsByIds(ownerId: string, ids: readonly string[]): Promise<CardRow[]> {
    if (ids.length === 0) return [];
    return this.db
      .selectFrom("review_cards")
      .selectAll()
      .where("owner_id", "=", ownerId)
      .where("id", "in", ids)
      .execute();
  }

  async insertCards(cards: readonly CardRow[]): Promise<void> {
    for (let i = 0; i < cards.length; i += 200)
      await this.db
        .insertInto("review_cards")
        .values(cards.slice(i, i + 200))
        .onConflict((oc) => oc.columns(["owner_id", "kind", "subject_id"]).doNothing())
        .execute();
  }

  async deleteCards(ownerId: string, ids: readonly string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 500)
      await this.db
        .deleteFrom("review_cards")
        .where("owner_id", "=", ownerId)
        .where("id", "in", ids.slice(i, i + 500))
        .execute();
  }

  /** The day's draw, in order. */
  async showingsOn(ownerId: string, day: string): Promise<ShowingRow[]> {
    return this.db
      .selectFrom("review_showings")
      .selectAll()
      .where("owner_id", "=", ownerId)
      .where("local_date", "=", day)
      .orderBy("ord")
      .execute();
  }

  /** Records one card of a day's draw; false when that day already shows it. */
  async insertShowing(row: ShowingRow): Promise<boolean> {
    const r = await this.db
      .insertInto("review_showings")
      .values(row)
      .onConflict((oc) => oc.columns(["owner_id", "local_date", "card_id"]).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async answerOn(ownerId: string, cardId: string, day: string): Promise<AnswerRow | undefined> {
    return this.db
      .selectFrom("review_answers")
      .selectAll()
      .where("owner_id", "=", ownerId)
      .where("card_id", "=", cardId)
      .where("local_date", "=", day)
      .executeTakeFirst();
  }

  async answersOn(ownerId: string, day: string): Promise<AnswerRow[]> {
    return this.db
      .selectFrom("review_answers")
      .selectAll()
      .where("owner_id", "=", ownerId)
      .where("local_date", "=", day)
      .execute();
  }

  async saveAnswer(row: AnswerRow): Promise<void> {
    await this.db
      .insertInto("review_answers")
      .values(row)
      .onConflict((oc) =>
        oc.columns(["owner_id", "card_id", "local_date"]).doUpdateSet({
          answer: row.answer,
          answered_at: row.answered_at,
          source: row.source,
        }),
      )
      .execute();
  }

  async deleteAnswer(ownerId: string, id: string): Promise<void> {
    await this.db.deleteFrom("review_answers").where("owner_id", "=", ownerId).where("id", "=", id).execute();
  }

  /** The titles of the owner's books among `ids`. */
  async bookTitles(ownerId: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom("books")
      .select(["id", "title"])
      .where("owner_id", "=", ownerId)
      .where("id", "in", [...new Set(ids)])
      .execute();
    return new Map(rows.map((r) => [r.id, r.title]));
  }
}
