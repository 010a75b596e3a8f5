import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useState } from "react";
import { Link, useLocation, useParams, useSearchParams } from "wouter";
import { api, unwrap } from "../api/client";
import { ProblemError, toProblem } from "../api/problem";
import { ConfirmButton } from "../components/book-form";
import { Field, ProblemAlert, SubmitButton, useSubmit } from "../components/form";
import { Markdown } from "../components/markdown";
import { NoteSharing } from "../components/note-sharing";
import { Empty, Loading, QueryState } from "../components/states";
import { formatInstant } from "../lib/format";
import { type NoteDetail, noteKeys, tagsOf } from "../lib/notes";
import { useMe } from "../lib/session";

/** A new note: its Markdown in a plain text box (it is edited together once it exists). */
function NewNote({ onSaved }: { onSaved: (id: string) => void }) {
  const queryClient = useQueryClient();
  const books = useQuery({
    queryKey: ["books", "all"],
    queryFn: () => unwrap(api.GET("/api/books", { params: { query: { limit: 200 } } })),
  });
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [tags, setTags] = useState("");
  const [bookId, setBookId] = useState(new URLSearchParams(location.search).get("book") ?? "");
  const [tab, setTab] = useState<"write" | "preview">("write");
  const form = useSubmit({
    validate: () => ({ body: body.trim() === "" ? "Write something first" : undefined }),
    submit: () =>
      unwrap(
        api.POST("/api/notes", {
          body: {
            body,
            tags: tagsOf(tags),
            ...(title.trim() ? { title: title.trim() } : {}),
            ...(bookId ? { bookId } : {}),
          },
        }),
      ),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ["notes"] });
      void queryClient.invalidateQueries({ queryKey: noteKeys.note(saved.id) });
      void queryClient.invalidateQueries({ queryKey: ["search"] });
      onSaved(saved.id);
    },
  });
  // An error on the text shows next to it: back to writing.
  useEffect(() => {
    if (form.errors.body) setTab("write");
  }, [form.errors.body]);
  return (
    <form onSubmit={form.onSubmit} noValidate className="card stack">
      <ProblemAlert problem={form.problem} />
      <Field label="Title" hint="Other notes link here with [[its title]]" error={form.errors.title}>
        {(p) => <input {...p} value={title} onChange={(e) => setTitle(e.target.value)} />}
      </Field>
      <fieldset className="shelf-tabs">
        <legend className="visually-hidden">Write or preview</legend>
        <button
          type="button"
          className="button"
          aria-pressed={tab === "write"}
          onClick={() => setTab("write")}
        >
          Write
        </button>
        <button
          type="button"
          className="button"
          aria-pressed={tab === "preview"}
          onClick={() => setTab("preview")}
        >
          Preview
        </button>
      </fieldset>
      {tab === "write" ? (
        <Field
          label="Note (Markdown)"
          hint="Link to a book or another note with [[its title]]."
          error={form.errors.body}
        >
          {(p) => <textarea {...p} rows={14} value={body} onChange={(e) => setBody(e.target.value)} />}
        </Field>
      ) : (
        <section aria-label="Preview" className="prose">
          {body.trim() ? <Markdown source={body} /> : <p className="muted">Nothing to preview yet.</p>}
        </section>
      )}
      <Field label="Tags" hint="Separated by commas" error={form.errors.tags}>
        {(p) => <input {...p} value={tags} onChange={(e) => setTags(e.target.value)} />}
      </Field>
      <Field label="Book" error={form.errors.bookId}>
        {(p) => (
          <select {...p} value={bookId} onChange={(e) => setBookId(e.target.value)}>
            <option value="">No book</option>
            {books.data?.items.map((b) => (
              <option key={b.id} value={b.id}>
                {b.title}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="row">
        <SubmitButton pending={form.pending}>Save</SubmitButton>
      </div>
    </form>
  );
}

/** An existing note's title, tags and book (its text is edited together, beside it). */
function Details({ note }: { note: NoteDetail }) {
  const queryClient = useQueryClient();
  const books = useQuery({
    queryKey: ["books", "all"],
    queryFn: () => unwrap(api.GET("/api/books", { params: { query: { limit: 200 } } })),
  });
  const [title, setTitle] = useState(note.title ?? "");
  const [tags, setTags] = useState(note.tags.join(", "));
  const [bookId, setBookId] = useState(note.bookId ?? "");
  const [saved, setSaved] = useState(false);
  const form = useSubmit({
    submit: () =>
      unwrap(
        api.PATCH("/api/notes/{id}", {
          params: { path: { id: note.id } },
          body: { title: title.trim() || null, tags: tagsOf(tags), bookId: bookId || null },
        }),
      ),
    onSuccess: (n) => {
      setSaved(true);
      void queryClient.invalidateQueries({ queryKey: ["notes"] });
      void queryClient.invalidateQueries({ queryKey: noteKeys.note(n.id) });
    },
  });
  const edit = (set: (v: string) => void) => (e: { target: { value: string } }) => {
    setSaved(false);
    set(e.target.value);
  };
  return (
    <form onSubmit={form.onSubmit} noValidate className="card stack" aria-label="Title, tags and book">
      <ProblemAlert problem={form.problem} />
      <Field label="Title" hint="Other notes link here with [[its title]]" error={form.errors.title}>
        {(p) => <input {...p} value={title} onChange={edit(setTitle)} />}
      </Field>
      <Field label="Tags" hint="Separated by commas" error={form.errors.tags}>
        {(p) => <input {...p} value={tags} onChange={edit(setTags)} />}
      </Field>
      <Field label="Book" error={form.errors.bookId}>
        {(p) => (
          <select {...p} value={bookId} onChange={edit(setBookId)}>
            <option value="">No book</option>
            {books.data?.items.map((b) => (
              <option key={b.id} value={b.id}>
                {b.title}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="row">
        <SubmitButton pending={form.pending}>Save title, tags and book</SubmitButton>
        <span className="muted small" role="status">
          {saved ? "Saved" : ""}
        </span>
      </div>
    </form>
  );
}

function Revisions({ note }: { note: NoteDetail }) {
  const me = useMe();
  const queryClient = useQueryClient();
  const revisions = useQuery({
    queryKey: noteKeys.revisions(note.id),
    queryFn: () => unwrap(api.GET("/api/notes/{id}/revisions", { params: { path: { id: note.id } } })),
  });
  const restore = useMutation({
    mutationFn: (version: number) =>
      unwrap(api.POST("/api/notes/{id}/restore", { params: { path: { id: note.id } }, body: { version } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: noteKeys.note(note.id) });
      void queryClient.invalidateQueries({ queryKey: ["notes"] });
    },
  });
  return (
    <section className="card" aria-labelledby="revisions-title">
      <h2 id="revisions-title">Revisions</h2>
      {restore.error && <ProblemAlert problem={toProblem(restore.error)} />}
      <QueryState query={revisions}>
        {(r) => (
          <ol className="item-list" aria-label="Revisions, latest first">
            {r.items.map((rev) => (
              <li key={rev.version} className="item">
                <details>
                  <summary>
                    Version {rev.version}: {rev.title || "Untitled"} ·{" "}
                    {formatInstant(rev.createdAt, me.timezone)}
                  </summary>
                  <pre className="revision-body">{rev.body}</pre>
                </details>
                {rev.version !== note.version ? (
                  <button
                    type="button"
                    className="button"
                    disabled={restore.isPending}
                    onClick={() => restore.mutate(rev.version)}
                  >
                    Restore version {rev.version}
                  </button>
                ) : (
                  <span className="muted small">Current</span>
                )}
              </li>
            ))}
          </ol>
        )}
      </QueryState>
    </section>
  );
}

function ViewNote({ note }: { note: NoteDetail }) {
  const missing = note.links.filter((l) => l.resolved === null);
  return (
    <>
      {/* The server rendered and sanitised this HTML; wikilinks are links, missing targets are marked. */}
      <article
        className="card prose note-body"
        // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised by the server
        dangerouslySetInnerHTML={{ __html: note.html }}
      />
      {missing.length > 0 && (
        <p className="muted small">
          Links to nothing yet: {missing.map((l) => l.target).join(", ")} (write a note with that title to
          fill them).
        </p>
      )}
      <section className="card" aria-labelledby="backlinks-title">
        <h2 id="backlinks-title">Linked from</h2>
        {note.backlinks.length === 0 ? (
          <p className="muted">No note links here yet.</p>
        ) : (
          <ul>
            {note.backlinks.map((b) => (
              <li key={b.noteId}>
                <Link href={`/notes/${b.noteId}`}>{b.title || "Untitled"}</Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

/** The live editor, on its own chunk (Yjs, CodeMirror and the provider load when a note is edited). */
const NoteTogether = lazy(() => import("../components/note-together"));

/**
 * The live editor; when it closes for good (access revoked, note deleted) it stays on the page with its
 * reason and last text, and the note is fetched again only when the person stops editing.
 */
function LiveEditor({ noteId, link }: { noteId: string; link?: string | undefined }) {
  return (
    <Suspense fallback={<Loading label="Opening the editor…" />}>
      <NoteTogether noteId={noteId} link={link} />
    </Suspense>
  );
}

/**
 * A note opened with a share link by someone it is not otherwise shared with: its title (read with the
 * link's secret in a header, which stays out of the server's logs) and its text, live.
 */
function LinkedNote({ noteId, link }: { noteId: string; link: string }) {
  const note = useQuery({
    queryKey: [...noteKeys.note(noteId), "link"],
    queryFn: () =>
      unwrap(
        api.GET("/api/notes/{id}", {
          params: { path: { id: noteId }, header: { "x-readlog-link": link } },
        }),
      ),
    retry: false,
  });
  return (
    <>
      <h1>{note.data ? note.data.title || "Untitled note" : "Shared note"}</h1>
      <p className="muted">You opened this note with a link its owner shared.</p>
      <LiveEditor noteId={noteId} link={link} />
    </>
  );
}

export function NotePage() {
  const { id = "new" } = useParams<{ id: string }>();
  const [params] = useSearchParams();
  const link = params.get("link") ?? undefined;
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const me = useMe();
  const [editing, setEditing] = useState(false);
  // A new note, or a share link, opens with the editor; another note with its rendered text.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when another note opens (id is the trigger)
  useEffect(() => setEditing(link !== undefined), [id, link]);
  const note = useQuery({
    queryKey: noteKeys.note(id),
    queryFn: () => unwrap(api.GET("/api/notes/{id}", { params: { path: { id } } })),
    enabled: id !== "new",
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/notes/{id}", { params: { path: { id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["notes"] });
      navigate("/notes", { replace: true });
    },
  });
  const stopEditing = () => {
    setEditing(false);
    // The server stores the text a moment after the last change: show what it rendered then.
    void queryClient.invalidateQueries({ queryKey: noteKeys.note(id) });
    setTimeout(() => void queryClient.invalidateQueries({ queryKey: noteKeys.note(id) }), 3_000);
  };
  const back = (
    <p>
      <Link href="/notes">← Notes</Link>
    </p>
  );
  if (id === "new")
    return (
      <>
        {back}
        <h1>New note</h1>
        <NewNote onSaved={(saved) => navigate(`/notes/${saved}`, { replace: true })} />
      </>
    );
  if (link && note.error instanceof ProblemError && note.error.status === 404)
    return (
      <>
        {back}
        <LinkedNote noteId={id} link={link} />
      </>
    );
  return (
    <>
      {back}
      <QueryState query={note} loading="Loading the note…">
        {(n) => {
          const mine = n.ownerId === me.id;
          return (
            <>
              <div className="row spread">
                <h1>{n.title || "Untitled note"}</h1>
                <div className="row">
                  <button
                    type="button"
                    className="button"
                    aria-expanded={editing}
                    onClick={() => (editing ? stopEditing() : setEditing(true))}
                  >
                    {editing ? "Stop editing" : "Edit"}
                  </button>
                  {mine && (
                    <ConfirmButton
                      label="Delete"
                      question="Delete this note and its revisions?"
                      onConfirm={() => remove.mutate()}
                      pending={remove.isPending}
                    />
                  )}
                </div>
              </div>
              {remove.error && <ProblemAlert problem={toProblem(remove.error)} />}
              {!mine && <p className="muted small">Shared with you.</p>}
              {n.bookId && mine && (
                <p>
                  On <Link href={`/books/${n.bookId}`}>its book</Link>
                </p>
              )}
              {editing ? (
                <>
                  <LiveEditor noteId={n.id} link={link} />
                  {mine && <Details key={n.updatedAt} note={n} />}
                </>
              ) : n.body.trim() ? (
                <ViewNote note={n} />
              ) : (
                <Empty title="This note is empty" />
              )}
              {mine && <NoteSharing noteId={n.id} />}
              <Revisions note={n} />
            </>
          );
        }}
      </QueryState>
    </>
  );
}
