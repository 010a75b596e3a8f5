import { readFile } from "node:fs/promises";
import { type Command, Option } from "commander";

const FORMATS = ["jsonl", "json"] as const;

/**
 * `readlog extract [--format jsonl|json] [--url URL] FILE...`: the article in each local HTML file,
 * by the same extractor the pipeline runs (charset detection, Readability on linkedom with
 * boilerplate pruning, sanitising). One JSON object a line (jsonl, the default) or one JSON array.
 * A file that cannot be read is reported on stderr and the exit code is 1; the others still print.
 */
export function registerExtract(cli: Command): void {
  cli
    .command("extract")
    .description("Print the readable article of local HTML files as JSON (title, text, html, metadata)")
    .argument("<files...>", "HTML files")
    .addOption(
      new Option("--format <format>", "jsonl: one object a line; json: one array")
        .choices(FORMATS)
        .default("jsonl"),
    )
    .option("--url <url>", "the address the pages came from (resolves links and images; canonical URL)")
    .action(async (files: string[], opts: { format: (typeof FORMATS)[number]; url?: string }) => {
      if (opts.url !== undefined && !URL.canParse(opts.url))
        cli.error(`error: --url: not a valid URL: ${opts.url}`, { exitCode: 2 });
      // Loaded here, not at start-up: linkedom, Readability, jsdom and DOMPurify are heavy.
      const { extract } = await import("../modules/links/extraction/extractor.js");
      const out: unknown[] = [];
      let failed = 0;
      for (const file of files) {
        let bytes: Buffer;
        try {
          bytes = await readFile(file);
        } catch (err) {
          failed++;
          console.error(`readlog extract: ${file}: ${err instanceof Error ? err.message : String(err)}`);
          continue;
        }
        const a = await extract({ bytes, url: opts.url });
        const record = {
          file,
          title: a.title ?? null,
          byline: a.byline ?? null,
          siteName: a.siteName ?? null,
          publishedTime: a.publishedTime ?? null,
          modifiedTime: a.modifiedTime ?? null,
          lang: a.lang ?? null,
          dir: a.dir ?? null,
          excerpt: a.excerpt ?? null,
          leadImage: a.leadImage ?? null,
          canonicalUrl: a.canonical ?? a.canonicalUrl ?? null,
          wordCount: a.wordCount,
          readingMinutes: a.readingMinutes,
          method: a.method,
          charset: a.charset ?? null,
          text: a.text,
          html: a.html,
        };
        if (opts.format === "jsonl") process.stdout.write(`${JSON.stringify(record)}\n`);
        else out.push(record);
      }
      if (opts.format === "json") process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      if (failed > 0) process.exitCode = 1;
    });
}
