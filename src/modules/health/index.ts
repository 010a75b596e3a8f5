import { defineModule } from "../../platform/module/module.js";
import { healthRoutes } from "./health.routes.js";

/** Liveness and readiness probes. */
export const healthModule = defineModule({
  name: "health",
  create(ctx) {
    return {
      services: {},
      routes: async (app) => {
        await app.register(healthRoutes, { scope: ctx.uow });
      },
    };
  },
});
