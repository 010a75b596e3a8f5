import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

/** Where `readlog login` keeps the server and token: $XDG_CONFIG_HOME/readlog, else ~/.config/readlog. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME?.trim() || path.join(homedir(), ".config");
  return path.join(base, "readlog");
}

export function configFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(configDir(env), "config.json");
}

/** What the client talks to. */
export interface ClientConfig {
  server?: string;
  token?: string;
}

/** The stored config (empty when there is none or it is unreadable), with READLOG_SERVER / READLOG_TOKEN on top. */
export function loadClientConfig(env: NodeJS.ProcessEnv = process.env): ClientConfig {
  let stored: ClientConfig = {};
  try {
    const raw = JSON.parse(readFileSync(configFile(env), "utf8")) as unknown;
    if (raw && typeof raw === "object") {
      const r = raw as Record<string, unknown>;
      stored = {
        ...(typeof r.server === "string" ? { server: r.server } : {}),
        ...(typeof r.token === "string" ? { token: r.token } : {}),
      };
    }
  } catch {}
  return {
    server: env.READLOG_SERVER?.trim() || stored.server,
    token: env.READLOG_TOKEN?.trim() || stored.token,
  };
}

/** Writes the config readable by the user only: directory 0700, file 0600 (written aside, then renamed). */
export function saveClientConfig(
  config: Required<ClientConfig>,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = configFile(env);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ server: config.server, token: config.token }, null, 2)}\n`, {
    mode: 0o600,
  });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return file;
}

/**
 * Exit codes of the client commands (README): 0 ok, 1 failure, 2 usage error, 3 imported with per-row
 * problems, 4 not logged in or credentials refused (also a token without the needed scope), 78 invalid
 * configuration (EX_CONFIG: READLOG_SERVER, or the stored config file).
 */
export const CLIENT_EXIT = { ok: 0, failure: 1, usage: 2, problems: 3, auth: 4, config: 78 } as const;

/** A client failure with its exit code, printed as one line on stderr (no usage text). */
export class ClientError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Where a server URL came from, so an error names what to fix. */
export type ServerSource = "flag" | "env" | "file";

/**
 * The server and token a client command talks to: the flags, else READLOG_SERVER / READLOG_TOKEN, else what
 * `readlog login` stored. A server that is not an http(s) URL is a usage error from a flag and a configuration
 * error (78) from the environment or the file, naming the variable; no server or token is "not logged in" (4).
 */
export function resolveRemote(
  given: { server?: string; token?: string; serverFrom?: ServerSource } = {},
  env: NodeJS.ProcessEnv = process.env,
): { server: string; token: string } {
  const stored = loadClientConfig({ ...env, READLOG_SERVER: "", READLOG_TOKEN: "" });
  const envServer = env.READLOG_SERVER?.trim();
  const [raw, from]: [string | undefined, ServerSource] =
    given.server !== undefined
      ? [given.server, given.serverFrom ?? "flag"]
      : envServer
        ? [envServer, "env"]
        : [stored.server, "file"];
  const server = raw === undefined ? undefined : normaliseServer(raw);
  if (raw !== undefined && !server) {
    const rule = "must be an http(s) URL, e.g. https://readlog.example.com";
    if (from === "flag") throw new ClientError(`--server ${raw}: ${rule}`, CLIENT_EXIT.usage);
    if (from === "env") throw new ClientError(`READLOG_SERVER=${raw}: ${rule}`, CLIENT_EXIT.config);
    throw new ClientError(
      `${configFile(env)}: server ${raw} ${rule} (run \`readlog login --server URL\` again)`,
      CLIENT_EXIT.config,
    );
  }
  const token = given.token ?? (env.READLOG_TOKEN?.trim() || stored.token);
  if (!server || !token)
    throw new ClientError(
      "not logged in: run `readlog login --server URL`, or pass --server and --token (READLOG_SERVER, READLOG_TOKEN)",
      CLIENT_EXIT.auth,
    );
  return { server, token };
}

/** A server URL without trailing slashes; undefined when it is not an http(s) URL. */
export function normaliseServer(s: string): string | undefined {
  try {
    const url = new URL(s);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    return url.toString().replace(/\/+$/, "");
  } catch {
    return undefined;
  }
}
