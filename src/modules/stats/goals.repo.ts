import type { Kysely, Selectable } from "kysely";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import type { GoalsTable, StatsTables } from "./stats.tables.js";

export type GoalRow = Selectable<GoalsTable>;

/** SQL for yearly goals: one row per owner and year. */
export class GoalsRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Kysely<StatsTables> {
    return this.scope.db;
  }

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
