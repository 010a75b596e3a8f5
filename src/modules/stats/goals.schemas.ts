import { Type } from "@sinclair/typebox";

/** The rules of a yearly goal, defined once (the API's routes and the restore document use them). */
export const GoalYear = Type.Integer({ minimum: 1900, maximum: 2200 });
export const GoalBooks = Type.Integer({ minimum: 0, maximum: 10_000 });
export const GoalPages = Type.Integer({ minimum: 0, maximum: 10_000_000 });
