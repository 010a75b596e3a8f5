import { hostname } from "node:os";
import { createInterface } from "node:readline";
import { Argument, type Command } from "commander";
import { REVIEW_ANSWER_WORDS } from "../modules/review/review.commands.js";
import {
  CLIENT_EXIT,
  ClientError,
  normaliseServer,
  resolveRemote,
  saveClientConfig,
} from "./client-config.js";

const TIMEOUT_MS = 30_000;

async function call(server: string, path: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(`${server}${path}`, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new ClientError(
      `cannot reach ${server}: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
      CLIENT_EXIT.failure,
    );
  }
}

/** A non-2xx answer as a ClientError: 401/403 are authentication failures (exit 4). */
async function refused(res: Response, what: string): Promise<ClientError> {
  let detail = "";
  try {
    const p = (await res.json()) as { detail?: string; title?: string };
    detail = p.detail ?? p.title ?? "";
  } catch {}
  if (res.status === 401 || res.status === 403)
    return new ClientError(
      `${what}: ${detail || "authentication failed"} (run \`readlog login\` again)`,
      CLIENT_EXIT.auth,
    );
  return new ClientError(`${what}: HTTP ${res.status}${detail ? ` ${detail}` : ""}`, CLIENT_EXIT.failure);
}

/** Sends one message to POST /api/text and prints the reply. */
async function sendText(text: string): Promise<void> {
  const { server, token } = resolveRemote();
  const res = await call(server, "/api/text", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ text, channel: "cli" }),
  });
  if (!res.ok) throw await refused(res, "the server refused the message");
  const body = (await res.json()) as { reply: string };
  console.log(body.reply);
}

/** Saves a link through POST /api/links and prints what the server knows of it. */
async function saveLink(url: string, opts: { tag?: string[] }): Promise<void> {
  const { server, token } = resolveRemote();
  const res = await call(server, "/api/links", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ url, ...(opts.tag?.length ? { tags: opts.tag } : {}) }),
  });
  if (!res.ok) throw await refused(res, "the server refused the link");
  const link = (await res.json()) as { id: string; status: string; title: string | null };
  console.log(
    res.status === 201
      ? `saved ${link.id} (${link.status}): it is fetched in the background`
      : `already saved: ${link.id} (${link.status})${link.title ? ` ${link.title}` : ""}`,
  );
}

/** Runs an action, turning ClientErrors into one stderr line and an exit code. */
export function run<A extends unknown[]>(fn: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      if (!(err instanceof ClientError)) throw err;
      console.error(`readlog: ${err.message}`);
      process.exitCode = err.exitCode;
    }
  };
}

/** Reads answers from the terminal (the password unechoed) or, when stdin is not a terminal, one per line. */
class Prompter {
  private lines?: Promise<string[]>;

  async ask(question: string, secret = false): Promise<string> {
    if (!process.stdin.isTTY) {
      this.lines ??= (async () => {
        const chunks: Buffer[] = [];
        for await (const c of process.stdin) chunks.push(c as Buffer);
        return Buffer.concat(chunks).toString("utf8").split(/\r?\n/);
      })();
      return ((await this.lines).shift() ?? "").trim();
    }
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    if (secret) {
      const out = rl as unknown as { _writeToOutput(s: string): void };
      let shown = false;
      out._writeToOutput = (s: string) => {
        if (!shown) process.stderr.write(s);
        shown = true;
      };
    }
    const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
    rl.close();
    if (secret) process.stderr.write("\n");
    return secret ? answer : answer.trim();
  }
}

interface LoginOptions {
  server?: string;
  token?: string;
  email?: string;
}

async function login(cmd: Command, opts: LoginOptions): Promise<void> {
  const given = opts.server ?? process.env.READLOG_SERVER?.trim();
  if (!given) return void cmd.error("error: --server <url> is required", { exitCode: CLIENT_EXIT.usage });
  const server = normaliseServer(given);
  if (!server) {
    if (opts.server !== undefined)
      return void cmd.error(`error: --server ${given} is not an http(s) URL`, { exitCode: 2 });
    throw new ClientError(`READLOG_SERVER=${given}: must be an http(s) URL`, CLIENT_EXIT.config);
  }
  let token = opts.token;
  if (!token) {
    const prompter = new Prompter();
    const email = opts.email ?? (await prompter.ask("Email: "));
    const password = await prompter.ask("Password: ", true);
    if (!email || !password) throw new ClientError("an email and a password are needed", CLIENT_EXIT.usage);
    const res = await call(server, "/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    if (!res.ok) throw await refused(res, "login failed");
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const session = { cookie, "x-csrf-token": csrfToken };
    const created = await call(server, "/api/tokens", {
      method: "POST",
      headers: { ...session, "content-type": "application/json" },
      body: JSON.stringify({ name: `readlog CLI on ${hostname()}`.slice(0, 100), scopes: ["read", "write"] }),
    });
    if (!created.ok) throw await refused(created, "creating a token failed");
    token = ((await created.json()) as { token: string }).token;
    // The token is what the CLI keeps; the session is not needed any more.
    await call(server, "/api/auth/logout", { method: "POST", headers: session }).catch(() => undefined);
  }
  const me = await call(server, "/api/me", { headers: { authorization: `Bearer ${token}` } });
  if (!me.ok) throw await refused(me, "the token was refused");
  const { email } = (await me.json()) as { email: string };
  const file = saveClientConfig({ server, token });
  console.log(`Logged in to ${server} as ${email}. Token saved in ${file}.`);
}

/** `readlog login`, `readlog log "dune 142"` and the summaries, talking to any Readlog server over HTTP. */
export function registerTextClient(cli: Command): void {
  const loginCmd = cli
    .command("login")
    .description("Log in to a Readlog server and keep a personal token in ~/.config/readlog/config.json")
    .option("--server <url>", "the server, e.g. https://readlog.example.com (default: READLOG_SERVER)")
    .option("--token <token>", "store this existing personal token (rl_…) instead of asking for a password")
    .option("--email <email>", "the account's email (asked for when missing)");
  loginCmd.action(run((opts: LoginOptions) => login(loginCmd, opts)));

  cli
    .command("log")
    .description('Send a text command, e.g. readlog log "dune 142", and print the reply')
    .argument("<text...>", "the command, as you would type it in a chat")
    .action(run((words: string[]) => sendText(words.join(" "))));

  cli
    .command("review")
    .description(
      "Review the books due today: without an answer, shows the next due card; then answer with " +
        "readlog review 1-4 | again | hard | good | easy | skip | later | stop",
    )
    .addArgument(
      new Argument("[answer]", "your grade for the card shown, or skip / later / stop").choices(
        REVIEW_ANSWER_WORDS,
      ),
    )
    // `review 3`, not a bare `3`: with no review running a bare number would be a page.
    .action(run((answer?: string) => sendText(answer === undefined ? "review" : `review ${answer}`)));

  cli
    .command("save")
    .description("Save a link for later reading (fetched, extracted and archived by the server)")
    .argument("<url>", "an http(s) URL")
    .option("--tag <tag...>", "tags for the link")
    .action(run((url: string, opts: { tag?: string[] }) => saveLink(url, opts)));

  for (const [name, what] of [
    ["today", "Pages read today"],
    ["books", "The books you are reading, and how many are on each shelf"],
  ] as const)
    cli
      .command(name)
      .description(what)
      .action(run(() => sendText(name)));
}
