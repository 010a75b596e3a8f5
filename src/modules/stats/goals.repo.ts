import type { Selectable } from "kysely";
import type { Db } from "../../platform/db/database.js";
import type { GoalsTable } from "../../platform/db/schema.js";

export type GoalRow = Selectable<GoalsTable>;

/** SQL for yearly goals: one row per owner and year. */
export class GoalsRepo {
  constructor(private readonly db: Db) {}

  get(ownerId: string, year: number): Promise<GoalRow | undefined> {
    return this.db
      .selectFrom("goals")
      .selectAll()
      .where("owner_id", "=", ownerId)
      .where("year", "=", year)
      .executeTakeFirst();
  }

  /** Inserts or replaces the goal of that year. */
  async put(row: GoalRow): Promise<void> {
    await this.db
      .insertInto("goals")
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(["owner_id", "year"])
          .doUpdateSet({ books: row.books, pages: row.pages, updated_at: row.updated_at }),
      )
      .execute();
  }
}
