import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";
import type { paths } from "../api/openapi.gen";
import { isProblem, type Problem } from "../api/problem";
import { Field, ProblemAlert } from "../components/form";
import { formatNumber } from "../lib/format";
import { invalidateReadingLog } from "../lib/queries";
import { upload } from "../lib/upload";

type CsvReport = paths["/api/imports/goodreads"]["post"]["responses"]["200"]["content"]["application/json"];
type ExportReport = paths["/api/import"]["post"]["responses"]["201"]["content"]["application/json"];

const FORMATS = {
  goodreads: {
    label: "Goodreads CSV export",
    url: "/api/imports/goodreads",
    type: "text/csv",
    accept: ".csv,text/csv",
  },
  storygraph: {
    label: "StoryGraph CSV export",
    url: "/api/imports/storygraph",
    type: "text/csv",
    accept: ".csv,text/csv",
  },
  readlog: {
    label: "Readlog export (JSON)",
    url: "/api/import",
    type: "application/json",
    accept: ".json,application/json",
  },
} as const;
type Format = keyof typeof FORMATS;

function CsvResult({ report }: { report: CsvReport }) {
  return (
    <section className="card" aria-labelledby="report-title">
      <h2 id="report-title">{report.dryRun ? "Trial run: nothing was saved" : "Imported"}</h2>
      <p>
        {formatNumber(report.rows)} rows: {formatNumber(report.created)} new books,{" "}
        {formatNumber(report.updated)} updated, {formatNumber(report.unchanged)} unchanged;{" "}
        {formatNumber(report.rowsWithProblems)} rows with problems.
      </p>
      {report.problems.length > 0 && (
        <>
          <h3>Problems</h3>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    Line
                  </th>
                  <th scope="col">Field</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {report.problems.map((p, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a line can have several problems
                  <tr key={i}>
                    <td className="num">{p.line}</td>
                    <td>{p.field ?? ""}</td>
                    <td>{p.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <details>
        <summary>Every row ({formatNumber(report.results.length)})</summary>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col" className="num">
                  Line
                </th>
                <th scope="col">Title</th>
                <th scope="col">Result</th>
                <th scope="col">Changes</th>
              </tr>
            </thead>
            <tbody>
              {report.results.map((r) => (
                <tr key={r.line}>
                  <td className="num">{r.line}</td>
                  <td>{r.bookId ? <Link href={`/books/${r.bookId}`}>{r.title}</Link> : r.title}</td>
                  <td>{r.action}</td>
                  <td>{r.changes.join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {report.resultsOmitted > 0 && (
          <p className="muted">and {formatNumber(report.resultsOmitted)} more rows.</p>
        )}
      </details>
    </section>
  );
}

export function ImportPage() {
  const queryClient = useQueryClient();
  const [format, setFormat] = useState<Format>("goodreads");
  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [csv, setCsv] = useState<CsvReport | null>(null);
  const [exported, setExported] = useState<ExportReport | null>(null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setProblem(null);
    setCsv(null);
    setExported(null);
    if (!file) {
      setError("Choose a file to import");
      return;
    }
    setError(undefined);
    const f = FORMATS[format];
    setProgress(0);
    try {
      const url = format === "readlog" ? f.url : `${f.url}${dryRun ? "?dryRun=true" : ""}`;
      const body = await upload(url, file, f.type, setProgress);
      if (format === "readlog") setExported(body as ExportReport);
      else setCsv(body as CsvReport);
      invalidateReadingLog(queryClient);
    } catch (err) {
      setProblem(isProblem(err) ? err : { type: "about:blank", title: "Import failed", status: 0 });
    } finally {
      setProgress(null);
    }
  };

  return (
    <>
      <p>
        <Link href="/library">← Library</Link>
      </p>
      <h1>Import books</h1>
      <form className="card" onSubmit={submit} noValidate>
        <ProblemAlert problem={problem} />
        <fieldset>
          <legend>From</legend>
          {(Object.keys(FORMATS) as Format[]).map((k) => (
            <label key={k} className="check">
              <input
                type="radio"
                name="format"
                value={k}
                checked={format === k}
                onChange={() => setFormat(k)}
              />
              {FORMATS[k].label}
            </label>
          ))}
        </fieldset>
        <Field
          label="File"
          hint={
            format === "readlog"
              ? "The JSON file from Settings → Export"
              : "Goodreads: My Books → Import and export. StoryGraph: Manage account → Export."
          }
          error={error}
        >
          {(p) => (
            <input
              {...p}
              type="file"
              accept={FORMATS[format].accept}
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          )}
        </Field>
        {format !== "readlog" && (
          <label className="check">
            <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} />
            Trial run: report what would change, save nothing
          </label>
        )}
        {progress !== null && (
          <div>
            <p className="muted" role="status">
              {progress < 1 ? `Uploading… ${Math.round(progress * 100)}%` : "Reading the rows…"}
            </p>
            <progress max={1} value={progress < 1 ? progress : undefined} aria-label="Import progress" />
          </div>
        )}
        <button type="submit" className="button primary" disabled={progress !== null}>
          Import
        </button>
      </form>
      {csv && <CsvResult report={csv} />}
      {exported && (
        <section className="card" role="status">
          <h2>Imported</h2>
          <p>
            {formatNumber(exported.counts.books)} books, {formatNumber(exported.counts.readings)}{" "}
            read-throughs, {formatNumber(exported.counts.progressEntries)} progress entries.
          </p>
        </section>
      )}
    </>
  );
}
