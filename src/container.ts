import type { Logger } from "pino";
import type { Config } from "./config.js";
import { AdminService } from "./modules/admin/admin.service.js";
import { AuthService } from "./modules/auth/auth.service.js";
import { LoginThrottleRepo } from "./modules/auth/login-throttle.repo.js";
import { PrincipalCache } from "./modules/auth/principal-cache.js";
import { RegistrationRepo } from "./modules/auth/registration.repo.js";
import { SessionsRepo } from "./modules/auth/sessions.repo.js";
import { BooksService } from "./modules/books/books.service.js";
import { noMetadata } from "./modules/books/metadata.js";
import { OpenLibraryLookup } from "./modules/books/openlibrary.js";
import { ChannelsRepo } from "./modules/channels/channels.repo.js";
import { ChannelsService } from "./modules/channels/channels.service.js";
import { InboundService } from "./modules/channels/inbound.service.js";
import { Outbox } from "./modules/channels/outbox.js";
import { DaysService } from "./modules/days/days.service.js";
import { ExportService } from "./modules/export/export.service.js";
import { ImportService } from "./modules/imports/import.service.js";
import { ProgressService } from "./modules/progress/progress.service.js";
import { ReadingsService } from "./modules/readings/readings.service.js";
import { reminderHandler, remindersSend } from "./modules/reminders/reminders.jobs.js";
import { RemindersRepo } from "./modules/reminders/reminders.repo.js";
import { RemindersService } from "./modules/reminders/reminders.service.js";
import { ReviewService } from "./modules/review/review.service.js";
import { StatsService } from "./modules/stats/stats.service.js";
import { TextService } from "./modules/text/text.service.js";
import { TokensRepo } from "./modules/tokens/tokens.repo.js";
import { TokensService } from "./modules/tokens/tokens.service.js";
import { UsersRepo } from "./modules/users/users.repo.js";
import type { Channels } from "./platform/channels/channel.js";
import { TelegramChannel } from "./platform/channels/telegram.js";
import { WhatsAppCloudChannel } from "./platform/channels/whatsapp-cloud.js";
import { type Clock, systemClock } from "./platform/clock.js";
import { type Database, type Db, openDatabase } from "./platform/db/database.js";
import { GroupCommit } from "./platform/db/group-commit.js";
import { migrateToLatest } from "./platform/db/migrate.js";
import { Metrics } from "./platform/metrics.js";
import { MemoryPubSub } from "./platform/pubsub/memory-pubsub.js";
import type { PubSub } from "./platform/pubsub/pubsub.js";
import type { Queue } from "./platform/queue/queue.js";
import { SqlQueue } from "./platform/queue/sql-queue.js";

/** Everything the HTTP layer and the CLI use, wired once. */
export interface Services {
  database: Database;
  db: Db;
  clock: Clock;
  /** Messages to every process (Redis when configured, else this process only). Close it on shutdown. */
  pubsub: PubSub;
  /** Authenticated principals by credential; started and stopped with the HTTP server. */
  principals: PrincipalCache;
  users: UsersRepo;
  auth: AuthService;
  tokens: TokensService;
  admin: AdminService;
  books: BooksService;
  readings: ReadingsService;
  progress: ProgressService;
  days: DaysService;
  stats: StatsService;
  /** Background jobs; nothing runs until a worker role calls start(). Close it on shutdown. */
  queue: Queue;
  imports: ImportService;
  exporter: ExportService;
  /** Text commands for every channel (POST /api/text, the CLI, chat webhooks). */
  text: TextService;
  /** WhatsApp/Telegram links and sending to linked users. */
  channels: ChannelsService;
  channelsRepo: ChannelsRepo;
  /** Webhook deliveries: dedupe, linking, text commands, status updates. */
  inbound: InboundService;
  /** Outbound messages; started and stopped with the HTTP server. */
  outbox: Outbox;
  /** Prometheus metrics of this process (GET /metrics). */
  metrics: Metrics;
  /** Reminder schedules (the scheduler and the reminders.send job use them too). */
  reminders: RemindersService;
  remindersRepo: RemindersRepo;
  /** Spaced repetition: review cards (one per finished book) and their FSRS schedule. */
  review: ReviewService;
}

/**
 * The composition root: the only place adapters are chosen. Opens the database named by the config,
 * applies migrations and wires repositories into services.
 */
export async function createServices(
  config: Config,
  opts: { clock?: Clock; log?: Pick<Logger, "info">; migrate?: boolean } = {},
): Promise<Services> {
  const database = openDatabase(config);
  opts.log?.info(
    { database: database.kind, file: config.database.kind === "sqlite" ? config.database.file : undefined },
    "database adapter chosen",
  );
  if (opts.migrate !== false) {
    const applied = await migrateToLatest(database);
    if (applied.length > 0) opts.log?.info({ applied }, "migrations applied");
  }
  const db = database.db;
  const clock = opts.clock ?? systemClock;
  const pubsubLog = {
    error: (obj: object, msg: string) => (opts.log as Partial<Logger> | undefined)?.error?.(obj, msg),
  };
  // ioredis is loaded only when Redis is configured.
  const pubsub: PubSub = config.redisUrl
    ? new (await import("./platform/pubsub/redis-pubsub.js")).RedisPubSub({
        url: config.redisUrl,
        log: pubsubLog,
      })
    : new MemoryPubSub(undefined, pubsubLog);
  opts.log?.info({ pubsub: pubsub.kind }, "pub/sub adapter chosen");
  const principals = new PrincipalCache({ ttlMs: config.authCacheSeconds * 1000, clock, pubsub });
  const users = new UsersRepo(db);
  const registration = new RegistrationRepo(db);
  const tokensRepo = new TokensRepo(db);
  const auth = new AuthService({
    cache: principals,
    db,
    users,
    sessions: new SessionsRepo(db),
    tokens: tokensRepo,
    throttle: new LoginThrottleRepo(db),
    registration,
    clock,
    config,
  });
  const review = new ReviewService(db, database.kind, clock);
  const readings = new ReadingsService(db, database.kind, clock, (tx, reader, book) =>
    review.ensureBookCard(tx, reader, book),
  );
  const metadata = config.openLibraryUrl
    ? new OpenLibraryLookup(config.openLibraryUrl, config.openLibraryTimeoutMs)
    : noMetadata;
  opts.log?.info({ metadata: config.openLibraryUrl || "off" }, "book metadata lookup adapter chosen");
  const queueLog = {
    warn: (obj: object, msg: string) => (opts.log as Partial<Logger> | undefined)?.warn?.(obj, msg),
    error: (obj: object, msg: string) => (opts.log as Partial<Logger> | undefined)?.error?.(obj, msg),
  };
  // PostgreSQL without Redis keeps the SQL queue: see docs/adr/0004-queue-on-postgresql.md.
  // BullMQ and ioredis (~20 MB) are loaded only when Redis is configured.
  const queue: Queue = config.redisUrl
    ? new (await import("./platform/queue/bullmq-queue.js")).BullMqQueue({
        backend: { kind: "redis", url: config.redisUrl },
        clock,
        log: queueLog,
      })
    : new SqlQueue(database, { clock, log: queueLog });
  opts.log?.info({ queue: queue.kind }, "job queue adapter chosen");
  const metrics = new Metrics(queue);
  metrics.instrument(queue);
  const books = new BooksService(db, readings, metadata, clock, {
    warn: (obj, msg) => (opts.log as Partial<Logger> | undefined)?.warn?.(obj, msg),
  });
  const progress = new ProgressService(db, readings, clock);
  const days = new DaysService(db);
  const stats = new StatsService(db, clock);
  const remindersRepo = new RemindersRepo(db, database.kind);
  const reminders = new RemindersService(remindersRepo, users, clock);
  const text = new TextService({
    db,
    kind: database.kind,
    clock,
    users,
    books,
    readings,
    progress,
    days,
    stats,
    reminders,
    review,
    // SQLite runs transactions one at a time on its one connection: messages handled at the same time share
    // a commit there. PostgreSQL runs them side by side on its pool.
    writes: database.kind === "sqlite" ? new GroupCommit(db) : undefined,
    log: { error: (obj, msg) => (opts.log as Partial<Logger> | undefined)?.error?.(obj, msg) },
  });
  const base = {
    database,
    db,
    clock,
    pubsub,
    principals,
    users,
    auth,
    tokens: new TokensService(tokensRepo, clock, principals),
    admin: new AdminService({ db, users, registration, clock, credentials: principals }),
    books,
    readings,
    progress,
    days,
    stats,
    queue,
    imports: new ImportService(db, clock),
    exporter: new ExportService(db, database.kind, clock, principals),
    text,
    reminders,
    remindersRepo,
    metrics,
    review,
  };
  const services = { ...base, ...wireChannels(config, base, opts.log) };
  queue.handle(
    remindersSend,
    reminderHandler({
      repo: remindersRepo,
      users,
      channels: services.channels,
      links: services.channelsRepo,
      outbox: services.outbox,
      text,
      writes: new GroupCommit(db),
      clock,
      review,
      onSent: (n) => metrics.remindersSent.inc(n),
    }),
  );
  return services;
}

/** The messaging channels that are configured, the outbox that sends through them and the webhook side. */
function wireChannels(
  config: Config,
  s: Omit<Services, "channels" | "channelsRepo" | "inbound" | "outbox">,
  log: Pick<Logger, "info"> | undefined,
) {
  const channels: Channels = {};
  if (config.whatsapp) channels.whatsapp = new WhatsAppCloudChannel(config.whatsapp);
  if (config.telegram) channels.telegram = new TelegramChannel(config.telegram);
  log?.info({ channels: Object.keys(channels) }, "messaging channels configured");
  const l = log as Partial<Logger> | undefined;
  const channelLog = {
    info: (obj: object, msg: string) => l?.info?.(obj, msg),
    warn: (obj: object, msg: string) => l?.warn?.(obj, msg),
    error: (obj: object, msg: string) => l?.error?.(obj, msg),
  };
  const channelsRepo = new ChannelsRepo(s.db);
  const outbox = new Outbox(s.db, channels, s.clock, channelLog);
  const service = new ChannelsService(channelsRepo, outbox, channels, config.whatsapp, s.clock);
  const inbound = new InboundService(channelsRepo, service, outbox, s.text, s.clock, channelLog);
  return { channels: service, channelsRepo, inbound, outbox };
}
