import { type FormEvent, useState } from "react";
import { isProblem, type Problem } from "../api/problem";
import { upload } from "../lib/upload";
import { Field, ProblemAlert } from "./form";

/** One kind of file an import page takes: where it is uploaded, and how the picker describes it. */
export interface ImportFormat {
  label: string;
  url: string;
  type: string;
  accept: string;
  /** Where the reader finds the file. */
  hint: string;
  /** Whether the route takes `?dryRun=` (a trial run reports and saves nothing). */
  dryRun: boolean;
}

/**
 * The form of an import page: the format picker, the file, the trial-run box, the upload's progress bar and
 * the problem document of a refused upload. The page shows what `onImported` is given.
 */
export function ImportForm<K extends string>({
  formats,
  initial,
  trialFirst,
  reading,
  onStart,
  onImported,
}: {
  formats: Record<K, ImportFormat>;
  initial: NoInfer<K>;
  /** Whether the trial-run box starts ticked. */
  trialFirst: boolean;
  /** What the progress line says once the file is uploaded and the server reads it. */
  reading: string;
  onStart: () => void;
  onImported: (format: K, body: unknown, dryRun: boolean) => void;
}) {
  const [format, setFormat] = useState<K>(initial);
  const [file, setFile] = useState<File | null>(null);
  const [trial, setTrial] = useState(trialFirst);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [problem, setProblem] = useState<Problem | null>(null);
  const f = formats[format];
  const dryRun = f.dryRun && trial;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    onStart();
    if (!file) {
      setError("Choose a file to import");
      return;
    }
    setError(undefined);
    setProgress(0);
    try {
      const url = f.dryRun ? `${f.url}?dryRun=${dryRun}` : f.url;
      onImported(format, await upload(url, file, f.type, setProgress), dryRun);
    } catch (err) {
      setProblem(isProblem(err) ? err : { type: "about:blank", title: "Import failed", status: 0 });
    } finally {
      setProgress(null);
    }
  };

  return (
    <form className="card" onSubmit={submit} noValidate>
      <ProblemAlert problem={problem} />
      <fieldset>
        <legend>From</legend>
        {(Object.keys(formats) as K[]).map((k) => (
          <label key={k} className="check">
            <input
              type="radio"
              name="format"
              value={k}
              checked={format === k}
              onChange={() => setFormat(k)}
            />
            {formats[k].label}
          </label>
        ))}
      </fieldset>
      <Field label="File" hint={f.hint} error={error}>
        {(p) => (
          <input
            {...p}
            type="file"
            accept={f.accept}
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        )}
      </Field>
      {f.dryRun && (
        <label className="check">
          <input type="checkbox" checked={trial} onChange={(e) => setTrial(e.target.checked)} />
          Trial run: report what would change, save nothing
        </label>
      )}
      {progress !== null && (
        <div>
          <p className="muted" role="status">
            {progress < 1 ? `Uploading… ${Math.round(progress * 100)}%` : reading}
          </p>
          <progress max={1} value={progress < 1 ? progress : undefined} aria-label="Import progress" />
        </div>
      )}
      <button type="submit" className="button primary" disabled={progress !== null}>
        {dryRun ? "Check the file" : "Import"}
      </button>
    </form>
  );
}
