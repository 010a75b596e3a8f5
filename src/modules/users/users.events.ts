import { Type } from "@sinclair/typebox";
import { enumeration } from "../../platform/enum.js";
import { defineEvent } from "../../platform/events/event.js";

/** What changed about a user that credentials depend on. */
export const USER_CHANGES = enumeration([
  "profile",
  "password",
  "role",
  "disabled",
  "sessions",
  "tokens",
  "restored",
]);

/**
 * A user's account, sessions or tokens changed: every cached credential of theirs must be looked up again
 * (recorded by whoever makes the change, in its transaction; aggregate: the user).
 */
export const userChanged = defineEvent(
  "user.changed",
  Type.Object({ userId: Type.String(), what: USER_CHANGES.schema() }),
);
