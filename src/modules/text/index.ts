import { defineModule } from "../../platform/module/module.js";
import type { UsersRepo } from "../users/users.repo.js";
import * as text from "./migrations/0007-text.js";
import { TextRepo } from "./text.repo.js";
import { textRoutes } from "./text.routes.js";
import { TextService } from "./text.service.js";

/**
 * The text command language for every channel: conversations, numbered choices, undo. Its commands are
 * every module's `textCommands`, collected once all modules are built; it knows none of them itself.
 */
export const textModule = defineModule({
  name: "text",
  migrations: { "0007-text": text },
  create(ctx, { users }: { users: UsersRepo }) {
    const repo = new TextRepo(ctx.uow);
    const service = new TextService({
      uow: ctx.uow,
      clock: ctx.clock,
      actorOf: (userId) => users.actor(userId),
      text: repo,
      log: ctx.log,
    });
    return {
      services: { text: service },
      assembled: (all) => service.useCommands(all.flatMap((m) => m.textCommands ?? [])),
      routes: async (app) => {
        await app.register(textRoutes, { text: service });
      },
    };
  },
});
