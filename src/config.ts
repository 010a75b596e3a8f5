import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import type { TelegramConfig, WhatsAppConfig } from "./platform/channels/channel.js";
import type { Resolver } from "./platform/fetch/resolver.js";

export type { TelegramConfig, WhatsAppConfig };

/** Typed configuration, read once from the environment at boot. */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  database: { kind: "sqlite"; file: string } | { kind: "postgres"; url: string };
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  trustProxy: boolean;
  bodyLimit: number;
  sessionTtlDays: number;
  authCacheSeconds: number;
  workerConcurrency: number;
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerAddress: number;
  shutdownTimeoutMs: number;
  /** Open Library base URL for book metadata lookups; empty turns lookups off. */
  openLibraryUrl: string;
  openLibraryTimeoutMs: number;
  /** Redis for the job queue (BullMQ); null keeps jobs in the database. */
  redisUrl: string | null;
  /** Largest import file (Goodreads/StoryGraph CSV, Readlog export JSON) in bytes. */
  importMaxBytes: number;
  /** A note edited together is saved this long after its last change (and at least every 5× as long). */
  collabSaveDelayMs: number;
  /** WhatsApp Business Cloud API; null when its variables are empty (the channel is off). */
  whatsapp: WhatsAppConfig | null;
  /** Telegram bot; null when its variables are empty (the channel is off). */
  telegram: TelegramConfig | null;
  /** Bearer token that may read GET /metrics besides administrators; empty: administrators only. */
  metricsToken: string;
  /** Every outbound request (articles, images, metadata) goes through the safe Fetcher with these. */
  fetch: {
    /** Hosts, `host:port` and ranges that may be private (the operator's own services). */
    allowHosts: string[];
    /** An HTTP proxy for every outbound request; addresses are still checked. */
    proxy: string | null;
    maxBytes: number;
    timeoutMs: number;
    /** DNS for outbound requests; the system's unless set (tests set one that answers nothing). */
    resolver?: Resolver;
  };
  /** Saved articles: the pipeline's politeness and archive caps. */
  links: {
    /** Where raw pages and images are kept; ":memory:" keeps them in memory (tests). */
    blobsDir: string;
    hostConcurrency: number;
    hostDelayMs: number;
    archiveMaxBytes: number;
    /** Extraction worker threads; 0 extracts on the main thread. */
    extractWorkers: number;
    /** Each extraction worker's heap cap, MB. */
    extractHeapMb: number;
  };
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

type Env = Record<string, string | undefined>;

/** One documented variable: its default, what it means and how it is parsed. */
interface Var<T> {
  name: string;
  default: string;
  doc: string;
  parse(raw: string): T;
}

const fail = (name: string, raw: string, rule: string): never => {
  throw new ConfigError(`${name}: ${rule} (got "${raw}")`);
};

const int =
  (name: string, min: number, max: number) =>
  (raw: string): number => {
    if (!/^\d+$/.test(raw)) fail(name, raw, "must be a whole number");
    const n = Number(raw);
    if (n < min || n > max) fail(name, raw, `must be between ${min} and ${max}`);
    return n;
  };

const bool =
  (name: string) =>
  (raw: string): boolean => {
    const v = raw.toLowerCase();
    if (["1", "true", "yes", "on"].includes(v)) return true;
    if (["0", "false", "no", "off", ""].includes(v)) return false;
    return fail(name, raw, "must be true or false");
  };

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Every variable Readlog reads; `npx tsx scripts/config-table.ts` prints the README table from it. */
export const VARIABLES = {
  PORT: {
    name: "PORT",
    default: "3000",
    doc: "TCP port the HTTP server listens on",
    parse: int("PORT", 0, 65535),
  },
  HOST: {
    name: "HOST",
    default: "localhost",
    doc: "Interface to listen on; `0.0.0.0` to accept connections from other machines (containers)",
    parse: (raw: string) => raw || fail("HOST", raw, "must not be empty"),
  },
  DATA_DIR: {
    name: "DATA_DIR",
    default: "./data",
    doc: "Folder for the SQLite database and archived files",
    parse: (raw: string) => path.resolve(raw || fail("DATA_DIR", raw, "must not be empty")),
  },
  DATABASE_URL: {
    name: "DATABASE_URL",
    default: "",
    doc: "Empty: SQLite at `$DATA_DIR/readlog.db`. `sqlite:///abs/path.db` or `postgres://user:pass@host:5432/db`",
    parse: (raw: string) => raw,
  },
  LOG_LEVEL: {
    name: "LOG_LEVEL",
    default: "info",
    doc: "Structured (JSON) log level: fatal, error, warn, info, debug, trace or silent",
    parse: (raw: string) =>
      (LOG_LEVELS as readonly string[]).includes(raw)
        ? (raw as Config["logLevel"])
        : fail("LOG_LEVEL", raw, `must be one of ${LOG_LEVELS.join(", ")}`),
  },
  TRUST_PROXY: {
    name: "TRUST_PROXY",
    default: "false",
    doc: "Trust `X-Forwarded-*` headers from a reverse proxy (client address, https for Secure cookies)",
    parse: bool("TRUST_PROXY"),
  },
  BODY_LIMIT: {
    name: "BODY_LIMIT",
    default: "1048576",
    doc: "Largest accepted request body in bytes for JSON routes (imports have their own cap)",
    parse: int("BODY_LIMIT", 1024, 1024 * 1024 * 1024),
  },
  SESSION_TTL_DAYS: {
    name: "SESSION_TTL_DAYS",
    default: "30",
    doc: "Days a login session lasts",
    parse: int("SESSION_TTL_DAYS", 1, 3650),
  },
  WORKER_CONCURRENCY: {
    name: "WORKER_CONCURRENCY",
    default: "16",
    doc: "Jobs one worker process runs at once (reminders and deliveries mostly wait on the network)",
    parse: int("WORKER_CONCURRENCY", 1, 256),
  },
  COLLAB_SAVE_DELAY_MS: {
    name: "COLLAB_SAVE_DELAY_MS",
    default: "2000",
    doc:
      "Milliseconds after the last edit of a note edited together before it is saved (its Yjs state, Markdown, " +
      "revision and search entry); while edits go on, at least every five times as long",
    parse: int("COLLAB_SAVE_DELAY_MS", 10, 60000),
  },
  AUTH_CACHE_SECONDS: {
    name: "AUTH_CACHE_SECONDS",
    default: "10",
    doc:
      "Seconds a looked-up token or session is reused without asking the database (0: never). Changes " +
      "made by this process, or by any process when REDIS_URL is set, apply at once; without Redis, other " +
      "processes' changes apply within this time",
    parse: int("AUTH_CACHE_SECONDS", 0, 300),
  },
  LOGIN_MAX_FAILURES_PER_ACCOUNT: {
    name: "LOGIN_MAX_FAILURES_PER_ACCOUNT",
    default: "10",
    doc:
      "Login attempts per account per hour, from devices that never logged in to it, before each further one " +
      "waits a growing delay (1 s, 2 s, 4 s … 15 min; 429 with Retry-After): never a lock, and a device that " +
      "logged in before is counted on its own (ADR 0401). At most this + 15 password checks an hour",
    parse: int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 1, 80),
  },
  LOGIN_MAX_FAILURES_PER_ADDRESS: {
    name: "LOGIN_MAX_FAILURES_PER_ADDRESS",
    default: "100",
    doc:
      "Login attempts per client address per hour before its attempts wait the same growing delays; far " +
      "above the per-account figure, since many people may share an address (trusted devices are exempt)",
    parse: int("LOGIN_MAX_FAILURES_PER_ADDRESS", 1, 10_000),
  },
  SHUTDOWN_TIMEOUT_MS: {
    name: "SHUTDOWN_TIMEOUT_MS",
    default: "10000",
    doc: "On SIGTERM, how long in-flight requests may take to finish before the process exits",
    parse: int("SHUTDOWN_TIMEOUT_MS", 0, 600_000),
  },
  OPENLIBRARY_URL: {
    name: "OPENLIBRARY_URL",
    default: "https://openlibrary.org",
    doc: "Open Library base URL for book metadata, used only when a request asks for `lookup: true`; empty turns lookups off (offline)",
    parse: (raw: string) => {
      if (raw === "") return "";
      if (!/^https?:\/\/[^/]/i.test(raw)) fail("OPENLIBRARY_URL", raw, "must be an http(s) URL or empty");
      return raw.replace(/\/+$/, "");
    },
  },
  OPENLIBRARY_TIMEOUT_MS: {
    name: "OPENLIBRARY_TIMEOUT_MS",
    default: "2000",
    doc: "How long a metadata lookup may take before the book is created without it",
    parse: int("OPENLIBRARY_TIMEOUT_MS", 100, 60_000),
  },
  IMPORT_MAX_BYTES: {
    name: "IMPORT_MAX_BYTES",
    default: "52428800",
    doc: "Largest import file in bytes (Goodreads/StoryGraph CSV, Readlog export JSON); larger ones are refused with 413",
    parse: int("IMPORT_MAX_BYTES", 1024, 1024 * 1024 * 1024),
  },
  REDIS_URL: {
    name: "REDIS_URL",
    default: "",
    doc: "Empty: background jobs live in the database (SQL queue). `redis://[:password@]host:6379[/db]` or `rediss://…` (TLS): jobs run on BullMQ and processes tell each other about changes over Redis pub/sub (e.g. a revoked token)",
    parse: (raw: string) => {
      if (raw === "") return null;
      const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)?.[1]?.toLowerCase();
      const shown = raw.replace(/\/\/[^@/]*@/, "//(credentials hidden)@");
      if (scheme !== "redis" && scheme !== "rediss")
        return fail(
          "REDIS_URL",
          shown,
          "must start with redis:// or rediss://, or be empty to keep jobs in the database",
        );
      try {
        if (!new URL(raw).hostname) throw new Error("no host");
      } catch {
        return fail("REDIS_URL", shown, "is not a valid URL with a host, e.g. redis://localhost:6379");
      }
      return raw;
    },
  },
  WHATSAPP_GRAPH_URL: {
    name: "WHATSAPP_GRAPH_URL",
    default: "https://graph.facebook.com",
    doc: "Base URL of Meta's Graph API (tests point it at a loopback fake)",
    parse: httpUrl("WHATSAPP_GRAPH_URL"),
  },
  WHATSAPP_API_VERSION: {
    name: "WHATSAPP_API_VERSION",
    default: "v21.0",
    doc: "Graph API version used for WhatsApp sends",
    parse: (raw: string) =>
      /^v\d+\.\d+$/.test(raw) ? raw : fail("WHATSAPP_API_VERSION", raw, "must look like v21.0"),
  },
  WHATSAPP_PHONE_NUMBER_ID: {
    name: "WHATSAPP_PHONE_NUMBER_ID",
    default: "",
    doc: "WhatsApp Business phone number id (Meta console → WhatsApp → API setup). The WhatsApp channel is on when this, the access token, app secret and verify token are all set; see docs/channels.md",
    parse: (raw: string) =>
      raw === "" || /^\d+$/.test(raw) ? raw : fail("WHATSAPP_PHONE_NUMBER_ID", raw, "must be digits"),
  },
  WHATSAPP_ACCESS_TOKEN: {
    name: "WHATSAPP_ACCESS_TOKEN",
    default: "",
    doc: "Permanent access token of a Meta system user with whatsapp_business_messaging",
    parse: (raw: string) => raw,
  },
  WHATSAPP_APP_SECRET: {
    name: "WHATSAPP_APP_SECRET",
    default: "",
    doc: "The Meta app's secret; webhook deliveries must carry a valid `X-Hub-Signature-256` made with it",
    parse: (raw: string) => raw,
  },
  WHATSAPP_VERIFY_TOKEN: {
    name: "WHATSAPP_VERIFY_TOKEN",
    default: "",
    doc: "A string of your choice that Meta echoes when verifying the webhook URL",
    parse: (raw: string) => raw,
  },
  WHATSAPP_TEMPLATE: {
    name: "WHATSAPP_TEMPLATE",
    default: "readlog_message:en_US",
    doc: "`name:language` of the approved template (one body variable) sent outside WhatsApp's 24-hour window",
    parse: (raw: string) => {
      const m = /^([a-z0-9_]{1,512}):([A-Za-z]{2,3}(?:_[A-Za-z]{2,4})?)$/.exec(raw);
      if (!m) return fail("WHATSAPP_TEMPLATE", raw, "must be name:language, e.g. readlog_message:en_US");
      return { name: m[1]!, language: m[2]! };
    },
  },
  TELEGRAM_BOT_TOKEN: {
    name: "TELEGRAM_BOT_TOKEN",
    default: "",
    doc: "Token from @BotFather. The Telegram channel is on when this and the webhook secret are set",
    parse: (raw: string) =>
      raw === "" || /^\d+:[\w-]+$/.test(raw)
        ? raw
        : fail("TELEGRAM_BOT_TOKEN", "(hidden)", "must look like 123456:ABC-…"),
  },
  TELEGRAM_API_URL: {
    name: "TELEGRAM_API_URL",
    default: "https://api.telegram.org",
    doc: "Base URL of the Telegram Bot API (tests point it at a loopback fake)",
    parse: httpUrl("TELEGRAM_API_URL"),
  },
  METRICS_TOKEN: {
    name: "METRICS_TOKEN",
    default: "",
    doc: "Bearer token a Prometheus scraper sends to read `GET /metrics`; empty: only administrators (admin scope) may read it",
    parse: (raw: string) =>
      raw === "" || /^[\x21-\x7e]{16,256}$/.test(raw)
        ? raw
        : fail("METRICS_TOKEN", "(hidden)", "must be 16–256 printable characters without spaces, or empty"),
  },
  TELEGRAM_WEBHOOK_SECRET: {
    name: "TELEGRAM_WEBHOOK_SECRET",
    default: "",
    doc: "The `secret_token` given to setWebhook; deliveries must carry it in `X-Telegram-Bot-Api-Secret-Token`",
    parse: (raw: string) =>
      raw === "" || /^[A-Za-z0-9_-]{16,256}$/.test(raw)
        ? raw
        : fail("TELEGRAM_WEBHOOK_SECRET", "(hidden)", "must be 16–256 characters of A-Z, a-z, 0-9, _ and -"),
  },
  FETCH_ALLOW_HOSTS: {
    name: "FETCH_ALLOW_HOSTS",
    default: "",
    doc: "Comma-separated hosts, `host:port`s and CIDR ranges outbound requests may reach although they are private (your own services); everything else private, loopback, link-local or metadata is refused",
    parse: (raw: string) =>
      raw
        .split(",")
        .map((h) => h.trim())
        .filter(Boolean),
  },
  FETCH_PROXY: {
    name: "FETCH_PROXY",
    default: "",
    doc: "Empty: direct. `http://proxy:3128`: every outbound request goes through this proxy (addresses are still checked first)",
    parse: (raw: string) => (raw === "" ? null : httpUrl("FETCH_PROXY")(raw)),
  },
  FETCH_MAX_BYTES: {
    name: "FETCH_MAX_BYTES",
    default: "10000000",
    doc: "Largest page or image fetched, in bytes (as sent and, separately, decompressed up to 5 times this)",
    parse: int("FETCH_MAX_BYTES", 10_000, 1_000_000_000),
  },
  FETCH_TIMEOUT_MS: {
    name: "FETCH_TIMEOUT_MS",
    default: "20000",
    doc: "How long one outbound request may take, redirects and body included",
    parse: int("FETCH_TIMEOUT_MS", 100, 600_000),
  },
  BLOBS_DIR: {
    name: "BLOBS_DIR",
    default: "",
    doc: "Empty: `$DATA_DIR/blobs`. Where saved pages (compressed) and article images are kept, one copy per content",
    parse: (raw: string) => raw,
  },
  LINKS_HOST_CONCURRENCY: {
    name: "LINKS_HOST_CONCURRENCY",
    default: "2",
    doc: "Most requests to one site at once while fetching saved articles and their images (across all processes with Redis or PostgreSQL, leases there; per process on SQLite)",
    parse: int("LINKS_HOST_CONCURRENCY", 1, 64),
  },
  LINKS_HOST_DELAY_MS: {
    name: "LINKS_HOST_DELAY_MS",
    default: "1000",
    doc: "Politeness: least time between two page requests to the same site (an article's images are limited by LINKS_HOST_CONCURRENCY only; across all processes with Redis or PostgreSQL; per process on SQLite)",
    parse: int("LINKS_HOST_DELAY_MS", 0, 60_000),
  },
  LINKS_ARCHIVE_MAX_BYTES: {
    name: "LINKS_ARCHIVE_MAX_BYTES",
    default: "20000000",
    doc: "Most bytes of images archived per article; the rest are left out and counted",
    parse: int("LINKS_ARCHIVE_MAX_BYTES", 0, 1_000_000_000),
  },
  LINKS_EXTRACT_WORKERS: {
    name: "LINKS_EXTRACT_WORKERS",
    default: "",
    doc: "Worker threads that extract saved articles (started on first use, stopped when idle). Empty: the machine's cores, at most 2; 0: on the main thread",
    parse: (raw: string) =>
      raw.trim() === "" ? Math.min(2, availableParallelism()) : int("LINKS_EXTRACT_WORKERS", 0, 32)(raw),
  },
  LINKS_EXTRACT_HEAP_MB: {
    name: "LINKS_EXTRACT_HEAP_MB",
    default: "128",
    doc: "Heap cap of each extraction worker, MB: a page that needs more fails as too large to extract, nothing else does",
    parse: int("LINKS_EXTRACT_HEAP_MB", 32, 4096),
  },
} satisfies Record<string, Var<unknown>>;

function httpUrl(name: string) {
  return (raw: string): string => {
    if (!/^https?:\/\/[^/]/i.test(raw)) fail(name, raw, "must be an http(s) URL");
    return raw.replace(/\/+$/, "");
  };
}

/** A channel is off when all its secrets are empty, on when all are set; anything between is a mistake. */
function allOrNothing(channel: string, vars: Record<string, string>): boolean {
  const missing = Object.keys(vars).filter((k) => vars[k] === "");
  if (missing.length === Object.keys(vars).length) return false;
  if (missing.length > 0)
    throw new ConfigError(
      `${missing.join(", ")}: must be set too, because ${Object.keys(vars)
        .filter((k) => vars[k] !== "")
        .join(
          ", ",
        )} ${Object.keys(vars).length - missing.length === 1 ? "is" : "are"} (the ${channel} channel needs all of ${Object.keys(vars).join(", ")}, or none to turn it off)`,
    );
  return true;
}

function parseWhatsApp(env: Env): WhatsAppConfig | null {
  const secrets = {
    WHATSAPP_PHONE_NUMBER_ID: read(env, VARIABLES.WHATSAPP_PHONE_NUMBER_ID),
    WHATSAPP_ACCESS_TOKEN: read(env, VARIABLES.WHATSAPP_ACCESS_TOKEN),
    WHATSAPP_APP_SECRET: read(env, VARIABLES.WHATSAPP_APP_SECRET),
    WHATSAPP_VERIFY_TOKEN: read(env, VARIABLES.WHATSAPP_VERIFY_TOKEN),
  };
  if (!allOrNothing("WhatsApp", secrets)) return null;
  return {
    graphUrl: read(env, VARIABLES.WHATSAPP_GRAPH_URL),
    apiVersion: read(env, VARIABLES.WHATSAPP_API_VERSION),
    phoneNumberId: secrets.WHATSAPP_PHONE_NUMBER_ID,
    accessToken: secrets.WHATSAPP_ACCESS_TOKEN,
    appSecret: secrets.WHATSAPP_APP_SECRET,
    verifyToken: secrets.WHATSAPP_VERIFY_TOKEN,
    template: read(env, VARIABLES.WHATSAPP_TEMPLATE),
  };
}

function parseTelegram(env: Env): TelegramConfig | null {
  const secrets = {
    TELEGRAM_BOT_TOKEN: read(env, VARIABLES.TELEGRAM_BOT_TOKEN),
    TELEGRAM_WEBHOOK_SECRET: read(env, VARIABLES.TELEGRAM_WEBHOOK_SECRET),
  };
  if (!allOrNothing("Telegram", secrets)) return null;
  return {
    apiUrl: read(env, VARIABLES.TELEGRAM_API_URL),
    botToken: secrets.TELEGRAM_BOT_TOKEN,
    webhookSecret: secrets.TELEGRAM_WEBHOOK_SECRET,
  };
}

function read<T>(env: Env, v: Var<T>): T {
  const raw = env[v.name];
  return v.parse(raw === undefined ? v.default : raw.trim());
}

function parseDatabase(raw: string, dataDir: string): Config["database"] {
  if (raw === "") return { kind: "sqlite", file: path.join(dataDir, "readlog.db") };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase();
  if (scheme === "postgres" || scheme === "postgresql") {
    try {
      new URL(raw);
    } catch {
      fail("DATABASE_URL", "(hidden)", "is not a valid postgres:// URL");
    }
    return { kind: "postgres", url: raw };
  }
  if (scheme === "sqlite") {
    const file = raw.replace(/^sqlite:(\/\/)?/i, "");
    if (file === "" || file === "/")
      fail("DATABASE_URL", raw, "sqlite URL needs a file path, e.g. sqlite:///var/lib/readlog.db");
    return { kind: "sqlite", file: file === ":memory:" ? file : path.resolve(file) };
  }
  throw new ConfigError(
    `DATABASE_URL: unsupported scheme "${scheme ?? raw}" (use postgres://… or sqlite://…, or leave empty for SQLite in DATA_DIR)`,
  );
}

/** Parses and validates the environment; throws ConfigError naming the variable, the value and the rule. */
export function loadConfig(env: Env = process.env): Config {
  const dataDir = read(env, VARIABLES.DATA_DIR);
  return {
    host: read(env, VARIABLES.HOST),
    port: read(env, VARIABLES.PORT),
    dataDir,
    database: parseDatabase(read(env, VARIABLES.DATABASE_URL), dataDir),
    logLevel: read(env, VARIABLES.LOG_LEVEL),
    trustProxy: read(env, VARIABLES.TRUST_PROXY),
    bodyLimit: read(env, VARIABLES.BODY_LIMIT),
    sessionTtlDays: read(env, VARIABLES.SESSION_TTL_DAYS),
    authCacheSeconds: read(env, VARIABLES.AUTH_CACHE_SECONDS),
    workerConcurrency: read(env, VARIABLES.WORKER_CONCURRENCY),
    loginMaxFailuresPerAccount: read(env, VARIABLES.LOGIN_MAX_FAILURES_PER_ACCOUNT),
    loginMaxFailuresPerAddress: read(env, VARIABLES.LOGIN_MAX_FAILURES_PER_ADDRESS),
    shutdownTimeoutMs: read(env, VARIABLES.SHUTDOWN_TIMEOUT_MS),
    openLibraryUrl: read(env, VARIABLES.OPENLIBRARY_URL),
    openLibraryTimeoutMs: read(env, VARIABLES.OPENLIBRARY_TIMEOUT_MS),
    redisUrl: read(env, VARIABLES.REDIS_URL),
    importMaxBytes: read(env, VARIABLES.IMPORT_MAX_BYTES),
    collabSaveDelayMs: read(env, VARIABLES.COLLAB_SAVE_DELAY_MS),
    whatsapp: parseWhatsApp(env),
    telegram: parseTelegram(env),
    metricsToken: read(env, VARIABLES.METRICS_TOKEN),
    fetch: {
      allowHosts: read(env, VARIABLES.FETCH_ALLOW_HOSTS),
      proxy: read(env, VARIABLES.FETCH_PROXY),
      maxBytes: read(env, VARIABLES.FETCH_MAX_BYTES),
      timeoutMs: read(env, VARIABLES.FETCH_TIMEOUT_MS),
    },
    links: {
      blobsDir: read(env, VARIABLES.BLOBS_DIR) || path.join(dataDir, "blobs"),
      hostConcurrency: read(env, VARIABLES.LINKS_HOST_CONCURRENCY),
      hostDelayMs: read(env, VARIABLES.LINKS_HOST_DELAY_MS),
      archiveMaxBytes: read(env, VARIABLES.LINKS_ARCHIVE_MAX_BYTES),
      extractWorkers: read(env, VARIABLES.LINKS_EXTRACT_WORKERS),
      extractHeapMb: read(env, VARIABLES.LINKS_EXTRACT_HEAP_MB),
    },
  };
}

/** The README's configuration table, made from VARIABLES (`npx tsx scripts/config-table.ts` prints it). */
export function configTable(): string {
  const rows = Object.values(VARIABLES).map(
    (v) => `| \`${v.name}\` | ${v.default ? `\`${v.default}\`` : "(empty)"} | ${v.doc} |`,
  );
  return ["| variable | default | meaning |", "|---|---|---|", ...rows].join("\n");
}

/** Loads `.env` from the working directory into process.env (real environment variables win). */
export function loadDotEnv(file = ".env"): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

/** A configuration for tests and tools: in-memory SQLite, silent logs. */
/** Tests make no outbound requests: every name fails to resolve, as when offline (the fetch is retried). */
const offline: Resolver = async (hostname) => {
  throw Object.assign(new Error(`tests resolve no names (${hostname})`), { code: "EAI_AGAIN" });
};

export function testConfig(overrides: Partial<Config> = {}): Config {
  const base = loadConfig({
    LOG_LEVEL: "silent",
    DATABASE_URL: "sqlite://:memory:",
    OPENLIBRARY_URL: "",
    BLOBS_DIR: ":memory:",
    LINKS_HOST_DELAY_MS: "0",
    // Extraction on the test's own thread (the worker pool has its own tests: extract-pool.test.ts).
    LINKS_EXTRACT_WORKERS: "0",
  });
  return {
    // Tests make no outbound requests: metadata lookups are off unless a test points them at a fake.
    // Saved pages and images stay in memory, and the pipeline waits for no politeness delay.
    ...base,
    fetch: { ...base.fetch, resolver: offline },
    ...overrides,
  };
}
