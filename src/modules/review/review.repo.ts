import type { Kysely, Selectable } from "kysely";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import type { ReviewCardsTable, ReviewLogsTable, ReviewTables } from "./review.tables.js";

export type CardRow = Selectable<ReviewCardsTable>;
export type LogRow = Selectable<ReviewLogsTable>;

/** SQL for review cards, review logs and review settings. Every query filters on the owner. */
export class ReviewRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Kysely<ReviewTables> {
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

  async desiredRetention(ownerId: string): Promise<number | undefined> {
    const r = await this.db
      .selectFrom("review_settings")
      .select("desired_retention")
      .where("owner_id", "=", ownerId)
      .executeTakeFirst();
    return r?.desired_retention;
  }

  async saveSettings(ownerId: string, desiredRetention: number, at: string): Promise<void> {
    await this.db
      .insertInto("review_settings")
      .values({ owner_id: ownerId, desired_retention: desiredRetention, updated_at: at })
      .onConflict((oc) =>
        oc.column("owner_id").doUpdateSet({ desired_retention: desiredRetention, updated_at: at }),
      )
      .execute();
  }
}
