import * as grants from "./access/migrations/0011-grants.js";
import type { Migrations } from "./db/migration.js";
import * as events from "./events/migrations/0010-events.js";
import * as jobs from "./queue/migrations/0003-jobs.js";
import * as queueOutbox from "./queue/migrations/0012-queue-outbox.js";

/** The platform's own tables: the SQL queue's jobs, domain events, access grants, BullMQ's outbox. */
export const PLATFORM_MIGRATIONS: Migrations = {
  "0003-jobs": jobs,
  "0010-events": events,
  "0011-grants": grants,
  "0012-queue-outbox": queueOutbox,
};
