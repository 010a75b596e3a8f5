import { adminModule } from "../modules/admin/index.js";
import { authModule } from "../modules/auth/index.js";
import { booksModule } from "../modules/books/index.js";
import { channelsModule } from "../modules/channels/index.js";
import { clubsModule } from "../modules/clubs/index.js";
import { collabModule } from "../modules/collab/index.js";
import { daysModule } from "../modules/days/index.js";
import { exportModule } from "../modules/export/index.js";
import { healthModule } from "../modules/health/index.js";
import { importsModule } from "../modules/imports/index.js";
import { linksModule } from "../modules/links/index.js";
import { notesModule } from "../modules/notes/index.js";
import { opsModule } from "../modules/ops/index.js";
import { progressModule } from "../modules/progress/index.js";
import { realtimeModule } from "../modules/realtime/index.js";
import { remindersModule } from "../modules/reminders/index.js";
import { reviewModule } from "../modules/review/index.js";
import { statsModule } from "../modules/stats/index.js";
import { textModule } from "../modules/text/index.js";
import { usersModule } from "../modules/users/index.js";

/**
 * Every module, in the order they are built: a module may use the services of those before it. Adding a
 * module is its folder plus one line here.
 */
export const MODULES = [
  usersModule,
  authModule,
  realtimeModule,
  adminModule,
  booksModule,
  progressModule,
  daysModule,
  statsModule,
  reviewModule,
  textModule,
  channelsModule,
  remindersModule,
  clubsModule,
  importsModule,
  notesModule,
  // After notes: saved articles go into its search index.
  linksModule,
  collabModule,
  exportModule,
  opsModule,
  healthModule,
] as const;
