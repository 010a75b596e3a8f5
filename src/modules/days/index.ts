import { defineModule } from "../../platform/module/module.js";
import { DaysRepo } from "./days.repo.js";
import { daysRoutes } from "./days.routes.js";
import { DaysService } from "./days.service.js";

/** Day-wise memory: what was read on a day, and the calendar of pages per day. */
export const daysModule = defineModule({
  name: "days",
  create(ctx) {
    const days = new DaysService(new DaysRepo(ctx.uow));
    return {
      services: { days },
      routes: async (app) => {
        await app.register(daysRoutes, { days });
      },
    };
  },
});
