import { useState } from "react";
import { Field, ProblemAlert, rules, SubmitButton, useSubmit } from "./form";

export interface BookFields {
  title: string;
  authors: string;
  isbn: string;
  totalPages: string;
  coverUrl: string;
}

export const emptyBook: BookFields = { title: "", authors: "", isbn: "", totalPages: "", coverUrl: "" };

export function authorsOf(text: string): string[] {
  return text
    .split(",")
    .map((a) => a.trim())
    .filter(Boolean);
}

/** The client's checks of a book, the same rules as the server's schema. */
export function validateBook(v: BookFields, { titleRequired }: { titleRequired: boolean }) {
  const isbnDigits = v.isbn.replace(/[\s-]/g, "");
  return {
    title: titleRequired ? rules.required(v.title, "The title") : undefined,
    isbn:
      isbnDigits && !/^(\d{9}[\dXx]|\d{13})$/.test(isbnDigits)
        ? "An ISBN has 10 or 13 digits (hyphens and spaces are fine)"
        : undefined,
    totalPages: rules.intRange(v.totalPages, 1, 100_000, "Total pages"),
    coverUrl:
      v.coverUrl.trim() && !/^https?:\/\/\S+$/.test(v.coverUrl.trim())
        ? "A cover address starts with https://"
        : undefined,
    authors: authorsOf(v.authors).length > 20 ? "At most 20 authors" : undefined,
  };
}

/** Title, authors, ISBN, pages and cover fields, shared by "add a book" and "edit". */
export function BookFieldsEditor({
  values,
  onChange,
  errors,
  titleHint,
}: {
  values: BookFields;
  onChange: (v: BookFields) => void;
  errors: Record<string, string | undefined>;
  titleHint?: string;
}) {
  const set = (k: keyof BookFields) => (e: { target: { value: string } }) =>
    onChange({ ...values, [k]: e.target.value });
  return (
    <>
      <Field label="Title" error={errors.title} {...(titleHint ? { hint: titleHint } : {})}>
        {(p) => <input {...p} value={values.title} onChange={set("title")} maxLength={500} />}
      </Field>
      <Field label="Authors" hint="Separate several with commas" error={errors.authors}>
        {(p) => <input {...p} value={values.authors} onChange={set("authors")} />}
      </Field>
      <Field label="ISBN" error={errors.isbn}>
        {(p) => (
          <input {...p} value={values.isbn} onChange={set("isbn")} inputMode="numeric" maxLength={20} />
        )}
      </Field>
      <Field label="Total pages" error={errors.totalPages}>
        {(p) => (
          <input
            {...p}
            type="number"
            inputMode="numeric"
            min={1}
            value={values.totalPages}
            onChange={set("totalPages")}
          />
        )}
      </Field>
      <Field label="Cover image address" error={errors.coverUrl}>
        {(p) => (
          <input
            {...p}
            type="url"
            value={values.coverUrl}
            onChange={set("coverUrl")}
            placeholder="https://…"
          />
        )}
      </Field>
    </>
  );
}

/** A yes/no confirmation in place of a destructive button. */
export function ConfirmButton({
  label,
  question,
  onConfirm,
  pending,
}: {
  label: string;
  question: string;
  onConfirm: () => void;
  pending?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" className="button danger" onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  return (
    <div className="row alert alert-warning" role="alertdialog" aria-label={question}>
      <span>{question}</span>
      {/* biome-ignore lint/a11y/noAutofocus: the question just appeared; its answer is the next thing to do */}
      <button type="button" className="button danger" onClick={onConfirm} disabled={pending} autoFocus>
        Yes, {label.toLowerCase()}
      </button>
      <button type="button" className="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </div>
  );
}

export { ProblemAlert, SubmitButton, useSubmit };
