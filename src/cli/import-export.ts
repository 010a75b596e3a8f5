import { createReadStream, statSync } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type cliProgress from "cli-progress";
import { Argument, type Command, Option } from "commander";
import type { ImportReport } from "../modules/imports/import.service.js";
import { CLIENT_EXIT, resolveRemote } from "./client-config.js";
import { run } from "./text-client.js";

interface Remote {
  server: string;
  token: string;
}

const FORMATS = ["goodreads", "storygraph", "kindle", "readwise", "readlog"] as const;
type CliFormat = (typeof FORMATS)[number];

function serverOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option("--server <url>", "Readlog server URL, e.g. https://readlog.example.com").env(
        "READLOG_SERVER",
      ),
    )
    .addOption(
      new Option("--token <token>", "a personal API token (rl_…) with the needed scope").env("READLOG_TOKEN"),
    );
}

/** The server and token: the flags (or READLOG_SERVER / READLOG_TOKEN), else what `readlog login` stored. */
function remoteOf(cmd: Command, given: { server?: string; token?: string }): Remote {
  const from = cmd.getOptionValueSource("server") === "env" ? "env" : "flag";
  return resolveRemote({ ...given, serverFrom: from });
}

/** 401 (unknown or revoked token) and 403 (a token without the scope, e.g. read-only) exit 4; others 1. */
const exitFor = (res: Response) =>
  res.status === 401 || res.status === 403 ? CLIENT_EXIT.auth : CLIENT_EXIT.failure;

/** A problem+json answer as one line: "title: detail". */
async function failure(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const p = JSON.parse(text) as {
      title?: string;
      detail?: string;
      errors?: { field: string; message: string }[];
    };
    const fields = p.errors?.map((e) => `${e.field}: ${e.message}`).join("; ");
    return `${res.status} ${p.title ?? ""}: ${p.detail ?? ""}${fields && fields !== p.detail ? ` (${fields})` : ""}`;
  } catch {
    return `${res.status} ${text.slice(0, 300)}`;
  }
}

/** The file as a request body, counting bytes into a progress bar on stderr (shown on a terminal only). */
async function uploadBody(file: string): Promise<{ body: ReadableStream; bar: cliProgress.SingleBar }> {
  // Loaded here, not at startup: `readlog serve` never draws a progress bar.
  const { default: progress } = await import("cli-progress");
  const size = statSync(file).size;
  const bar = new progress.SingleBar(
    {
      format: "uploading {bar} {percentage}% | {value}/{total} bytes",
      stream: process.stderr,
      hideCursor: true,
    },
    progress.Presets.shades_classic,
  );
  bar.start(size, 0);
  let sent = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      sent += chunk.length;
      bar.update(sent);
      done(null, chunk);
    },
  });
  const source = createReadStream(file).pipe(counter);
  return { body: Readable.toWeb(source) as ReadableStream, bar };
}

/** The server's import report, as much of it as the CLI prints (type only: the CLI talks to it over HTTP). */
type Report = Omit<ImportReport, "format" | "results" | "resultsOmitted">;

async function runImport(cmd: Command, format: CliFormat, file: string, opts: Record<string, unknown>) {
  const remote = remoteOf(cmd, opts as { server?: string; token?: string });
  try {
    statSync(file);
  } catch {
    console.error(`readlog: cannot read ${file}`);
    process.exitCode = CLIENT_EXIT.failure;
    return;
  }
  const url =
    format === "readlog"
      ? `${remote.server}/api/import`
      : `${remote.server}/api/imports/${format}${opts.dryRun ? "?dryRun=true" : ""}`;
  if (format === "readlog" && opts.dryRun)
    cmd.error("error: --dry-run does not apply to a restore (readlog)", { exitCode: 2 });
  const { body, bar } = await uploadBody(file);
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${remote.token}`,
        "content-type":
          format === "readlog" ? "application/json" : format === "kindle" ? "text/plain" : "text/csv",
      },
      body,
      duplex: "half",
    } as RequestInit);
  } finally {
    bar.stop();
  }
  if (!res.ok) {
    console.error(`readlog: import failed: ${await failure(res)}`);
    process.exitCode = exitFor(res);
    return;
  }
  const result = (await res.json()) as Report | { counts: Record<string, number>; idsKept: boolean };
  if (opts.json) console.log(JSON.stringify(result, null, 2));
  if (!("rows" in result)) {
    if (!opts.json)
      console.log(
        `restored: ${Object.entries(result.counts)
          .map(([k, n]) => `${n} ${k}`)
          .join(", ")}`,
      );
    process.exitCode = CLIENT_EXIT.ok;
    return;
  }
  if (!opts.json) {
    const verb = result.dryRun ? " would be" : "";
    const dry = result.dryRun ? " (dry run: nothing written)" : "";
    console.log(
      `${result.rows} rows: ${result.created}${verb} created, ${result.updated}${verb} updated, ` +
        `${result.unchanged} unchanged, ${result.rowsWithProblems} with problems${dry}`,
    );
    for (const p of result.problems)
      console.log(`  line ${p.line}${p.field ? ` (${p.field})` : ""}: ${p.message}`);
    if (result.problemCount > result.problems.length)
      console.log(`  … and ${result.problemCount - result.problems.length} more problems`);
  }
  process.exitCode = result.rowsWithProblems > 0 ? CLIENT_EXIT.problems : CLIENT_EXIT.ok;
}

/** `readlog import <format> FILE` and `readlog export`, talking to a Readlog server over HTTP. */
export function registerImportExport(cli: Command): void {
  const imp = serverOptions(
    cli
      .command("import")
      .description(
        "Import a Goodreads or StoryGraph CSV export, Kindle highlights (My Clippings.txt), a Readwise CSV export, or restore a Readlog export (readlog) into an empty account",
      )
      .addArgument(
        new Argument("<format>", "goodreads, storygraph, kindle, readwise or readlog").choices(FORMATS),
      )
      .argument("<file>", "the export file")
      .option("--dry-run", "report what would change without writing anything")
      .option("--json", "print the server's full JSON report"),
  );
  imp.action(
    run((format: CliFormat, file: string, opts: Record<string, unknown>) =>
      runImport(imp, format, file, opts),
    ),
  );

  const exp = serverOptions(
    cli
      .command("export")
      .description("Write everything you own as one JSON document to stdout (readlog export > file.json)"),
  );
  exp.action(
    run(async (opts: { server?: string; token?: string }) => {
      const remote = remoteOf(exp, opts);
      const res = await fetch(`${remote.server}/api/export`, {
        headers: { authorization: `Bearer ${remote.token}` },
      });
      if (!res.ok || !res.body) {
        console.error(`readlog: export failed: ${await failure(res)}`);
        process.exitCode = exitFor(res);
        return;
      }
      await pipeline(Readable.fromWeb(res.body as import("node:stream/web").ReadableStream), process.stdout);
    }),
  );
}
