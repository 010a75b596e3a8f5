import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";
import type { paths } from "../api/openapi.gen";
import { ImportForm, type ImportFormat } from "../components/import-form";
import { formatNumber } from "../lib/format";
import { invalidateReadingLog } from "../lib/queries";

type CsvReport = paths["/api/imports/goodreads"]["post"]["responses"]["200"]["content"]["application/json"];
type ExportReport = paths["/api/import"]["post"]["responses"]["201"]["content"]["application/json"];

const CSV_HINT = "Goodreads: My Books → Import and export. StoryGraph: Manage account → Export.";
const FORMATS: Record<"goodreads" | "storygraph" | "readlog", ImportFormat> = {
  goodreads: {
    label: "Goodreads CSV export",
    url: "/api/imports/goodreads",
    type: "text/csv",
    accept: ".csv,text/csv",
    hint: CSV_HINT,
    dryRun: true,
  },
  storygraph: {
    label: "StoryGraph CSV export",
    url: "/api/imports/storygraph",
    type: "text/csv",
    accept: ".csv,text/csv",
    hint: CSV_HINT,
    dryRun: true,
  },
  readlog: {
    label: "Readlog export (JSON)",
    url: "/api/import",
    type: "application/json",
    accept: ".json,application/json",
    hint: "The JSON file from Settings → Export",
    dryRun: false,
  },
};

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
  const [csv, setCsv] = useState<CsvReport | null>(null);
  const [exported, setExported] = useState<ExportReport | null>(null);

  return (
    <>
      <p>
        <Link href="/library">← Library</Link>
      </p>
      <h1>Import books</h1>
      <ImportForm
        formats={FORMATS}
        initial="goodreads"
        trialFirst={false}
        reading="Reading the rows…"
        onStart={() => {
          setCsv(null);
          setExported(null);
        }}
        onImported={(format, body) => {
          if (format === "readlog") setExported(body as ExportReport);
          else setCsv(body as CsvReport);
          invalidateReadingLog(queryClient);
        }}
      />
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
