import { defineModule } from "../../platform/module/module.js";
import * as accounts from "./migrations/0001-accounts.js";
import { UsersRepo } from "./users.repo.js";
import { User } from "./users.schemas.js";

/** The accounts table: who exists, their role and time zone. Everything else builds on it. */
export const usersModule = defineModule({
  name: "users",
  // Historically this migration also created the auth module's tables (sessions, tokens, invites, …).
  migrations: { "0001-accounts": accounts },
  create(ctx) {
    return { services: { users: new UsersRepo(ctx.uow) }, schemas: [User] };
  },
});
