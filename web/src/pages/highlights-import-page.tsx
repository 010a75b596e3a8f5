import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";
import type { paths } from "../api/openapi.gen";
import { ImportForm, type ImportFormat } from "../components/import-form";
import { formatNumber } from "../lib/format";

type Report = paths["/api/imports/kindle"]["post"]["responses"]["200"]["content"]["application/json"];

const FORMATS: Record<"kindle" | "readwise", ImportFormat> = {
  kindle: {
    label: "Kindle “My Clippings.txt”",
    url: "/api/imports/kindle",
    type: "text/plain",
    accept: ".txt,text/plain",
    hint: "Connect the Kindle by USB: the file is in its documents folder.",
    dryRun: true,
  },
  readwise: {
    label: "Readwise CSV export",
    url: "/api/imports/readwise",
    type: "text/csv",
    accept: ".csv,text/csv",
    hint: "Readwise: Export → CSV.",
    dryRun: true,
  },
};

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
  const [report, setReport] = useState<Report | null>(null);

  return (
    <>
      <p>
        <Link href="/notes">← Notes</Link>
      </p>
      <h1>Import highlights</h1>
      <ImportForm
        formats={FORMATS}
        initial="kindle"
        trialFirst={true}
        reading="Reading the clippings…"
        onStart={() => setReport(null)}
        onImported={(_, body, dryRun) => {
          setReport(body as Report);
          if (!dryRun) {
            void queryClient.invalidateQueries({ queryKey: ["highlights"] });
            void queryClient.invalidateQueries({ queryKey: ["notes"] });
            void queryClient.invalidateQueries({ queryKey: ["books"] });
          }
        }}
      />
      {report && <ImportReport report={report} />}
    </>
  );
}
