import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useParams } from "wouter";
import { api, unwrap } from "../api/client";
import { Field, ProblemAlert, SubmitButton, useSubmit } from "../components/form";
import { Empty, QueryState } from "../components/states";
import { formatDay } from "../lib/format";

interface Marked {
  text: string;
  marks: readonly (readonly number[])[];
  cutStart: boolean;
  cutEnd: boolean;
}
interface SearchHit {
  kind: string;
  id: string;
  bookId: string | null;
}

/** Text with its matches in <mark>: React escapes the text, the ranges come from the server. */
function MarkedText({ m }: { m: Marked }) {
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const [s = 0, e = 0] of m.marks) {
    if (s > at) parts.push(m.text.slice(at, s));
    parts.push(<mark key={s}>{m.text.slice(s, e)}</mark>);
    at = e;
  }
  parts.push(m.text.slice(at));
  return (
    <>
      {m.cutStart ? "… " : ""}
      {parts}
      {m.cutEnd ? " …" : ""}
    </>
  );
}

const hitHref = (h: SearchHit) =>
  h.kind === "note" ? `/notes/${h.id}` : h.bookId ? `/books/${h.bookId}` : undefined;

function Search() {
  const [text, setText] = useState("");
  const [q, setQ] = useState("");
  const search = useQuery({
    queryKey: ["search", q],
    enabled: q !== "",
    queryFn: () => unwrap(api.GET("/api/search", { params: { query: { q, limit: 20 } } })),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setQ(text.trim());
  };
  return (
    <section className="card" aria-labelledby="search-title">
      <h2 id="search-title">Search</h2>
      <form onSubmit={submit} className="stack">
        <Field label="Books, notes and highlights">
          {(p) => (
            <input
              {...p}
              type="search"
              value={text}
              maxLength={1000}
              onChange={(e) => setText(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="button">
          Search
        </button>
      </form>
      {q !== "" && (
        <QueryState query={search}>
          {(r) =>
            r.hits.length === 0 ? (
              <p className="muted">Nothing found for “{q}”.</p>
            ) : (
              <ol className="stack">
                {r.hits.map((h) => {
                  const href = hitHref(h);
                  return (
                    <li key={`${h.kind}/${h.id}`}>
                      <span className="small muted">{h.kind}</span>{" "}
                      {h.title && (
                        <strong>
                          {href ? (
                            <Link href={href}>
                              <MarkedText m={h.title} />
                            </Link>
                          ) : (
                            <MarkedText m={h.title} />
                          )}
                        </strong>
                      )}
                      <div>
                        {!h.title && href ? (
                          <Link href={href}>
                            <MarkedText m={h.snippet} />
                          </Link>
                        ) : (
                          <MarkedText m={h.snippet} />
                        )}
                      </div>
                    </li>
                  );
                })}
              </ol>
            )
          }
        </QueryState>
      )}
    </section>
  );
}

function NewNote() {
  const queryClient = useQueryClient();
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const form = useSubmit({
    validate: () => ({ body: body.trim() === "" ? "Write something" : undefined }),
    submit: () => unwrap(api.POST("/api/notes", { body: { title: title.trim() || null, body } })),
    onSuccess: () => {
      setTitle("");
      setBody("");
      void queryClient.invalidateQueries({ queryKey: ["notes"] });
    },
  });
  return (
    <section className="card" aria-labelledby="new-note">
      <h2 id="new-note">New note</h2>
      <form className="stack" onSubmit={form.onSubmit} noValidate>
        <ProblemAlert problem={form.problem} />
        <Field label="Title (optional)" error={form.errors.title}>
          {(p) => <input {...p} value={title} maxLength={500} onChange={(e) => setTitle(e.target.value)} />}
        </Field>
        <Field label="Markdown — [[Book title]] links to a book" error={form.errors.body}>
          {(p) => <textarea {...p} rows={5} value={body} onChange={(e) => setBody(e.target.value)} />}
        </Field>
        <SubmitButton pending={form.pending}>Save note</SubmitButton>
      </form>
    </section>
  );
}

function Latest() {
  const notes = useQuery({
    queryKey: ["notes", "list"],
    queryFn: () => unwrap(api.GET("/api/notes", { params: { query: { limit: 20 } } })),
  });
  const highlights = useQuery({
    queryKey: ["notes", "highlights"],
    queryFn: () => unwrap(api.GET("/api/highlights", { params: { query: { limit: 20 } } })),
  });
  return (
    <div className="grid">
      <section className="card" aria-labelledby="latest-notes">
        <h2 id="latest-notes">Notes</h2>
        <QueryState query={notes}>
          {(p) =>
            p.items.length === 0 ? (
              <Empty title="No notes yet" />
            ) : (
              <ul className="stack">
                {p.items.map((n) => (
                  <li key={n.id}>
                    <Link href={`/notes/${n.id}`}>{n.title ?? n.body.slice(0, 80)}</Link>{" "}
                    <span className="small muted">
                      {formatDay(n.updatedAt.slice(0, 10))}
                      {n.tags.length > 0 ? ` · ${n.tags.map((t) => `#${t}`).join(" ")}` : ""}
                    </span>
                  </li>
                ))}
              </ul>
            )
          }
        </QueryState>
      </section>
      <section className="card" aria-labelledby="latest-highlights">
        <h2 id="latest-highlights">Highlights</h2>
        <QueryState query={highlights}>
          {(p) =>
            p.items.length === 0 ? (
              <Empty title="No highlights yet">
                <p>
                  <Link href="/notes/import">Import your Kindle highlights</Link> or send{" "}
                  <code>quote dune p12: "…"</code>.
                </p>
              </Empty>
            ) : (
              <ul className="stack">
                {p.items.map((h) => (
                  <li key={h.id}>
                    <blockquote>{h.text}</blockquote>
                    <span className="small muted">
                      {h.bookId ? <Link href={`/books/${h.bookId}`}>the book</Link> : "no book"}
                      {h.locationLabel ? ` · ${h.locationLabel}` : ""}
                      {h.note ? ` · ${h.note}` : ""}
                    </span>
                  </li>
                ))}
              </ul>
            )
          }
        </QueryState>
      </section>
    </div>
  );
}

function KindleImport() {
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<string | null>(null);
  const form = useSubmit({
    validate: () => ({ file: file ? undefined : "Choose your My Clippings.txt" }),
    submit: async () => {
      const res = await fetch("/api/imports/kindle", {
        method: "POST",
        headers: { "content-type": "text/plain", "x-csrf-token": readCsrf() ?? "" },
        body: file,
        credentials: "same-origin",
      });
      const json = await res.json();
      if (!res.ok) throw new Error(json.detail ?? "The import failed");
      return json as { created: number; updated: number; unchanged: number; rowsWithProblems: number };
    },
    onSuccess: (r) => {
      setReport(
        `${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ${r.rowsWithProblems} with problems`,
      );
      void queryClient.invalidateQueries({ queryKey: ["notes"] });
    },
  });
  return (
    <section className="card" aria-labelledby="kindle-import">
      <h1 id="kindle-import">Import Kindle highlights</h1>
      <form className="stack" onSubmit={form.onSubmit} noValidate>
        <ProblemAlert problem={form.problem} />
        <Field label="My Clippings.txt (from the Kindle's documents folder)" error={form.errors.file}>
          {(p) => (
            <input
              {...p}
              type="file"
              accept=".txt,text/plain"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          )}
        </Field>
        <SubmitButton pending={form.pending}>Import</SubmitButton>
      </form>
      {report && <p role="status">{report}. Importing the same file again adds only what is new.</p>}
    </section>
  );
}

function readCsrf(): string | undefined {
  const m = /(?:^|;\s*)readlog_csrf=([^;]*)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

function NoteDetail({ id }: { id: string }) {
  const note = useQuery({
    queryKey: ["notes", "one", id],
    queryFn: () => unwrap(api.GET("/api/notes/{id}", { params: { path: { id } } })),
  });
  return (
    <QueryState query={note}>
      {(n) => (
        <article className="card stack">
          <h1>{n.title ?? "Note"}</h1>
          <p className="small muted">
            version {n.version} · {formatDay(n.updatedAt.slice(0, 10))}
            {n.bookId ? (
              <>
                {" · "}
                <Link href={`/books/${n.bookId}`}>the book</Link>
              </>
            ) : null}
          </p>
          {/* biome-ignore lint/security/noDangerouslySetInnerHtml: rendered by the server from Markdown with raw HTML escaped and only safe URLs (tested against DOMPurify's XSS vectors); the page's CSP runs no inline script */}
          <div className="note-body" dangerouslySetInnerHTML={{ __html: n.html }} />
          {n.backlinks.length > 0 && (
            <section>
              <h2>Linked from</h2>
              <ul>
                {n.backlinks.map((b) => (
                  <li key={b.noteId}>
                    <Link href={`/notes/${b.noteId}`}>{b.title ?? "a note"}</Link>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </article>
      )}
    </QueryState>
  );
}

export function NotesPage() {
  const params = useParams<{ id?: string }>();
  if (params.id === "import") return <KindleImport />;
  if (params.id) return <NoteDetail id={params.id} />;
  return (
    <>
      <h1>Notes</h1>
      <Search />
      <NewNote />
      <Latest />
    </>
  );
}
