import { ownedPolicy } from "../../platform/access/owned-policy.js";
import type { DomainEvent } from "../../platform/events/event.js";
import { defineModule } from "../../platform/module/module.js";
import { userChanged } from "../users/users.events.js";
import type { UsersRepo } from "../users/users.repo.js";
import { registerAuthHook } from "./auth.hook.js";
import { authRoutes } from "./auth.routes.js";
import { type AuthConfig, AuthService } from "./auth.service.js";
import { LoginThrottleRepo } from "./login-throttle.repo.js";
import { meRoutes } from "./me.routes.js";
import * as loginThrottle from "./migrations/0013-login-throttle.js";
import { PrincipalCache } from "./principal-cache.js";
import { RegistrationRepo } from "./registration.repo.js";
import { SessionsRepo } from "./sessions.repo.js";
import { TokensRepo } from "./tokens.repo.js";
import { tokensRoutes } from "./tokens.routes.js";
import { TokensService } from "./tokens.service.js";

/** Accounts' credentials: registration, sessions, login limits, personal API tokens, the request's actor. */
export const authModule = defineModule({
  name: "auth",
  // The auth tables themselves were created by 0001-accounts (the users module's).
  migrations: { "0013-login-throttle": loginThrottle },
  create(ctx, { users, config }: { users: UsersRepo; config: AuthConfig }) {
    const principals = new PrincipalCache({ ttlMs: config.authCacheSeconds * 1000, clock: ctx.clock });
    const tokensRepo = new TokensRepo(ctx.uow);
    const registration = new RegistrationRepo(ctx.uow);
    const auth = new AuthService({
      uow: ctx.uow,
      events: ctx.events,
      cache: principals,
      users,
      sessions: new SessionsRepo(ctx.uow),
      tokens: tokensRepo,
      throttle: new LoginThrottleRepo(ctx.uow),
      registration,
      clock: ctx.clock,
      config,
    });
    const tokens = new TokensService({
      uow: ctx.uow,
      tokens: tokensRepo,
      clock: ctx.clock,
      events: ctx.events,
      access: ctx.access,
    });
    const forget = (e: DomainEvent) => principals.forget((e.payload as { userId: string }).userId);
    return {
      services: { auth, tokens, principals, registration },
      httpHooks: (app) => registerAuthHook(app, auth),
      routes: async (app) => {
        await app.register(authRoutes, { auth });
        await app.register(meRoutes, { auth });
        await app.register(tokensRoutes, { tokens });
      },
      // This process forgets at once after the commit; others when the relay's publication reaches them.
      committed: [{ event: userChanged.name, handle: forget }],
      relayed: [{ event: userChanged.name, handle: forget }],
      policies: [
        ownedPolicy(ctx.uow, undefined, {
          resource: "token",
          label: "Token",
          table: "api_tokens",
          ownerColumn: "user_id",
          shareable: false,
          actions: { "token.revoke": { relations: ["owner"], scope: "write" } },
        }),
      ],
    };
  },
});
