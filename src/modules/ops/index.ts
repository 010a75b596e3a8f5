import { adminPolicy } from "../../platform/access/admin-policy.js";
import type { Metrics } from "../../platform/metrics.js";
import { defineModule } from "../../platform/module/module.js";
import type { AuthService } from "../auth/auth.service.js";
import { opsRoutes } from "./ops.routes.js";
import { OpsService } from "./ops.service.js";

/** Operations: the job queue for administrators, and Prometheus metrics. */
export const opsModule = defineModule({
  name: "ops",
  create(
    ctx,
    { auth, metrics, config }: { auth: AuthService; metrics: Metrics; config: { metricsToken: string } },
  ) {
    const ops = new OpsService({ queue: ctx.queue, access: ctx.access });
    return {
      services: { ops },
      routes: async (app) => {
        await app.register(opsRoutes, { ops, metrics, auth, metricsToken: config.metricsToken });
      },
      // Dead jobs are the server's, not a user's: administrators act on any (see adminPolicy).
      policies: [
        adminPolicy(undefined, { resource: "job", label: "Dead job", actions: ["job.retry", "job.discard"] }),
      ],
    };
  },
});
