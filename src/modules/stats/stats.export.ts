import { Instant as At } from "../../platform/http/responses.js";
import { type ExportedTable, orNull, exportRow as row } from "../../platform/portability/exported-table.js";
import { GoalBooks, GoalPages, GoalYear } from "./goals.schemas.js";

/** Yearly goals, as the full export writes them. */
export const GOALS_EXPORT: readonly ExportedTable[] = [
  {
    key: "goals",
    table: "goals",
    orderBy: ["year"],
    row: row({ year: GoalYear, books: orNull(GoalBooks), pages: orNull(GoalPages), updatedAt: At }),
    refs: {},
  },
];
