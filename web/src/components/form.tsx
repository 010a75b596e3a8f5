import { type FormEvent, type ReactNode, useId, useState } from "react";
import { type Problem, ProblemError, toProblem } from "../api/problem";

export type Errors = Record<string, string | undefined>;

interface FieldProps {
  label: string;
  error?: string | undefined;
  hint?: string;
  children: (props: { id: string; "aria-invalid": boolean; "aria-describedby"?: string }) => ReactNode;
}

/** A labelled control with its hint and its error (the client's rule or the server's field error). */
export function Field({ label, error, hint, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={error ? "field field-invalid" : "field"}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        "aria-invalid": Boolean(error),
        ...(describedBy ? { "aria-describedby": describedBy } : {}),
      })}
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A problem document shown as an alert: its title and `detail`. */
export function ProblemAlert({ problem }: { problem: Problem | null | undefined }) {
  if (!problem) return null;
  return (
    <div className="alert alert-error" role="alert">
      <strong>{problem.title}</strong>
      {problem.detail && problem.detail !== problem.title ? <span>: {problem.detail}</span> : null}
    </div>
  );
}

export function ErrorAlert({ error }: { error: unknown }) {
  if (!error) return null;
  return <ProblemAlert problem={toProblem(error)} />;
}

/**
 * A form's submission: runs the client's checks first (nothing is sent while one fails), then the call;
 * a problem answer keeps the typed values and maps the server's field errors onto the fields.
 */
export function useSubmit<T>(opts: {
  validate?: () => Errors;
  submit: () => Promise<T>;
  onSuccess?: (result: T) => void;
}) {
  const [errors, setErrors] = useState<Errors>({});
  const [problem, setProblem] = useState<Problem | null>(null);
  const [pending, setPending] = useState(false);
  const onSubmit = async (event?: FormEvent) => {
    event?.preventDefault();
    const found = Object.fromEntries(Object.entries(opts.validate?.() ?? {}).filter(([, v]) => v));
    setErrors(found);
    setProblem(null);
    if (Object.keys(found).length > 0) {
      focusFirstInvalid(event);
      return;
    }
    setPending(true);
    try {
      const result = await opts.submit();
      opts.onSuccess?.(result);
    } catch (err) {
      if (err instanceof ProblemError) setErrors(err.fieldErrors());
      setProblem(toProblem(err));
    } finally {
      setPending(false);
    }
  };
  return { errors, problem, pending, onSubmit, setErrors };
}

function focusFirstInvalid(event?: FormEvent) {
  const form = event?.currentTarget;
  if (!(form instanceof HTMLFormElement)) return;
  // After React renders the errors.
  requestAnimationFrame(() => form.querySelector<HTMLElement>("[aria-invalid='true']")?.focus());
}

/** Client-side rules, the same as the server's schemas (the server checks again). */
export const rules = {
  required: (v: string, what = "This field") => (v.trim() === "" ? `${what} is required` : undefined),
  email: (v: string) =>
    v.trim() === ""
      ? "Email is required"
      : /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.trim())
        ? undefined
        : "Enter an email address like name@example.com",
  password: (v: string) =>
    v.length < 8 ? "At least 8 characters" : v.length > 256 ? "At most 256 characters" : undefined,
  intRange: (v: string, min: number, max: number, what = "The number") => {
    if (v.trim() === "") return undefined;
    const n = Number(v);
    if (!Number.isInteger(n)) return `${what} must be a whole number`;
    if (n < min || n > max) return `${what} must be between ${min} and ${max}`;
    return undefined;
  },
};

export function SubmitButton({ pending, children }: { pending: boolean; children: ReactNode }) {
  return (
    <button type="submit" className="button primary" disabled={pending} aria-busy={pending}>
      {pending ? "Working…" : children}
    </button>
  );
}
