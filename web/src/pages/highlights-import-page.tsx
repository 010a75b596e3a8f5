import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "wouter";
import type { paths } from "../api/openapi.gen";
import { isProblem, type Problem } from "../api/problem";
import { Field, ProblemAlert } from "../components/form";
import { formatNumber } from "../lib/format";
import { upload } from "../lib/upload";

type Report = paths["/api/imports/kindle"]["post"]["responses"]["200"]["content"]["application/json"];

const FORMATS = {
  kindle: {
    label: "Kindle “My Clippings.txt”",
    url: "/api/imports/kindle",
    type: "text/plain",
    accept: ".txt,text/plain",
    hint: "Connect the Kindle by USB: the file is in its documents folder.",
  },
  readwise: {
    label: "Readwise CSV export",
    url: "/api/imports/readwise",
    type: "text/csv",
    accept: ".csv,text/csv",
    hint: "Readwise: Export → CSV.",
  },
} as const;
type Format = keyof typeof FORMATS;

function ImportReport({ report }: { report: Report }) {
  return (
    <section className="card" aria-labelledby="report-title">
      <h2 id="report-title">{report.dryRun ? "Trial run: nothing was saved" : "Imported"}</h2>
      <p>
        {formatNumber(report.rows)} clippings: {formatNumber(report.created)} new,{" "}
        {formatNumber(report.updated)} updated, {formatNumber(report.unchanged)} unchanged,{" "}
        {formatNumber(report.duplicates)} duplicates, {formatNumber(report.skipped)} skipped;{" "}
        {formatNumber(report.books.matched)} books matched, {formatNumber(report.books.created)} books added;{" "}
        {formatNumber(report.rowsWithProblems)} with problems.
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
                  <th scope="col">Severity</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {report.problems.map((p, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a line can have several problems
                  <tr key={i}>
                    <td className="num">{p.line}</td>
                    <td>{p.severity}</td>
                    <td>{p.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <details>
        <summary>Every clipping ({formatNumber(report.results.length)})</summary>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col" className="num">
                  Line
                </th>
                <th scope="col">Book</th>
                <th scope="col">Kind</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {report.results.map((r) => (
                <tr key={r.line}>
                  <td className="num">{r.line}</td>
                  <td>{r.bookId ? <Link href={`/books/${r.bookId}/highlights`}>{r.book}</Link> : r.book}</td>
                  <td>{r.kind}</td>
                  <td>
                    {r.action}
                    {r.detail ? `: ${r.detail}` : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {report.resultsOmitted > 0 && (
          <p className="muted">and {formatNumber(report.resultsOmitted)} more.</p>
        )}
      </details>
    </section>
  );
}

export function HighlightsImportPage() {
  const queryClient = useQueryClient();
  const [format, setFormat] = useState<Format>("kindle");
  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState(true);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [report, setReport] = useState<Report | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    setReport(null);
    if (!file) {
      setError("Choose a file to import");
      return;
    }
    setError(undefined);
    const f = FORMATS[format];
    setProgress(0);
    try {
      setReport((await upload(`${f.url}?dryRun=${dryRun}`, file, f.type, setProgress)) as Report);
      if (!dryRun) {
        void queryClient.invalidateQueries({ queryKey: ["highlights"] });
        void queryClient.invalidateQueries({ queryKey: ["notes"] });
        void queryClient.invalidateQueries({ queryKey: ["books"] });
      }
    } catch (err) {
      setProblem(isProblem(err) ? err : { type: "about:blank", title: "Import failed", status: 0 });
    } finally {
      setProgress(null);
    }
  };

  return (
    <>
      <p>
        <Link href="/notes">← Notes</Link>
      </p>
      <h1>Import highlights</h1>
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
        <Field label="File" hint={FORMATS[format].hint} error={error}>
          {(p) => (
            <input
              {...p}
              type="file"
              accept={FORMATS[format].accept}
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          )}
        </Field>
        <label className="check">
          <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} />
          Trial run: report what would change, save nothing
        </label>
        {progress !== null && (
          <div>
            <p className="muted" role="status">
              {progress < 1 ? `Uploading… ${Math.round(progress * 100)}%` : "Reading the clippings…"}
            </p>
            <progress max={1} value={progress < 1 ? progress : undefined} aria-label="Import progress" />
          </div>
        )}
        <button type="submit" className="button primary" disabled={progress !== null}>
          {dryRun ? "Check the file" : "Import"}
        </button>
      </form>
      {report && <ImportReport report={report} />}
    </>
  );
}
