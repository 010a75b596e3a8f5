import { adminPolicy } from "../../platform/access/admin-policy.js";
import { defineModule } from "../../platform/module/module.js";
import type { RegistrationRepo } from "../auth/registration.repo.js";
import { SessionsRepo } from "../auth/sessions.repo.js";
import { TokensRepo } from "../auth/tokens.repo.js";
import type { UsersRepo } from "../users/users.repo.js";
import { adminRoutes } from "./admin.routes.js";
import { AdminService } from "./admin.service.js";

/** What administrators do: accounts, the registration mode and invites. */
export const adminModule = defineModule({
  name: "admin",
  create(ctx, { users, registration }: { users: UsersRepo; registration: RegistrationRepo }) {
    const admin = new AdminService({
      uow: ctx.uow,
      events: ctx.events,
      access: ctx.access,
      users,
      sessions: new SessionsRepo(ctx.uow),
      tokens: new TokensRepo(ctx.uow),
      registration,
      clock: ctx.clock,
    });
    return {
      services: { admin },
      routes: async (app) => {
        await app.register(adminRoutes, { admin });
      },
      policies: [
        adminPolicy(ctx.uow, {
          resource: "user",
          label: "User",
          table: "users",
          actions: ["user.administer"],
        }),
        adminPolicy(ctx.uow, {
          resource: "invite",
          label: "Invite",
          table: "invites",
          actions: ["invite.delete"],
        }),
      ],
    };
  },
});
