import { ownedPolicy } from "../../platform/access/owned-policy.js";
import { bindJob, defineModule } from "../../platform/module/module.js";
import type { ChannelsRepo } from "../channels/channels.repo.js";
import type { ChannelsService } from "../channels/channels.service.js";
import type { OutboundMessages } from "../channels/outbound.js";
import type { HighlightReview } from "../review/highlight-review.js";
import type { ReviewService } from "../review/review.service.js";
import type { TextService } from "../text/text.service.js";
import type { UsersRepo } from "../users/users.repo.js";
import * as reminders from "./migrations/0008-reminders.js";
import { reminderHandler, remindersSend } from "./reminders.jobs.js";
import { RemindersRepo } from "./reminders.repo.js";
import { remindersRoutes } from "./reminders.routes.js";
import { RemindersService } from "./reminders.service.js";
import { reminderCommands } from "./reminders.text.js";
import { Scheduler } from "./scheduler.js";

/** Reminder schedules and the scheduler that turns them into page prompts and review digests. */
export const remindersModule = defineModule({
  name: "reminders",
  // Historically this migration also created the platform's lease table.
  migrations: { "0008-reminders": reminders },
  create(
    ctx,
    deps: {
      users: UsersRepo;
      text: TextService;
      channels: ChannelsService;
      channelsRepo: ChannelsRepo;
      outbox: OutboundMessages;
      review: ReviewService;
      highlightReview: HighlightReview;
    },
  ) {
    const repo = new RemindersRepo(ctx.uow);
    const service = new RemindersService({
      uow: ctx.uow,
      repo,
      clock: ctx.clock,
      access: ctx.access,
      configuredChannels: () => deps.channels.enabled(),
    });
    const sent = ctx.metrics.counter(
      "readlog_reminders_sent_total",
      "Reminder messages queued for delivery (one per channel)",
    );
    const scheduler = new Scheduler({ uow: ctx.uow, repo, queue: ctx.queue, clock: ctx.clock, log: ctx.log });
    return {
      services: { reminders: service, remindersRepo: repo, scheduler },
      textCommands: [reminderCommands(service)],
      routes: async (app) => {
        await app.register(remindersRoutes, { reminders: service });
      },
      jobs: [
        bindJob(
          remindersSend,
          reminderHandler({
            uow: ctx.uow,
            repo,
            users: deps.users,
            channels: deps.channels,
            links: deps.channelsRepo,
            outbox: deps.outbox,
            text: deps.text,
            clock: ctx.clock,
            review: deps.review,
            highlightReview: deps.highlightReview,
            sent,
          }),
        ),
      ],
      tasks: [{ role: "scheduler", start: () => scheduler.start(), stop: () => scheduler.stop() }],
      policies: [
        ownedPolicy(ctx.uow, undefined, {
          resource: "schedule",
          label: "Schedule",
          table: "schedules",
          shareable: false,
          actions: {
            "schedule.read": { relations: ["owner"], scope: "read" },
            "schedule.update": { relations: ["owner"], scope: "write" },
          },
        }),
      ],
    };
  },
});
