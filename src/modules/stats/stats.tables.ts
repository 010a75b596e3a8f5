import type { ProgressTables } from "../progress/progress.tables.js";
import type { Instant } from "../users/users.tables.js";

export interface GoalsTable {
  owner_id: string;
  year: number;
  books: number | null;
  pages: number | null;
  updated_at: Instant;
}

/** The stats module's own table, with the books and progress tables its queries read. */
export interface StatsTables extends ProgressTables {
  goals: GoalsTable;
}
