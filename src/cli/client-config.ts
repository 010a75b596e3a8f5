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
