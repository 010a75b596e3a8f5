/**
 * Who a note is shared with (its owner's to decide): people invited by email as editor or viewer, and
 * links with edit or view rights that expire or not. An invitation is listed by its email ("invited")
 * until whoever has an account with it opens the note, then by their name ("can edit", "can read"): the
 * server answers alike whether or not an account has the email, so this panel never tells either.
 * Removing someone, cancelling an invitation or revoking a link closes their open editors at once.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { api, unwrap } from "../api/client";
import { toProblem } from "../api/problem";
import { formatInstant } from "../lib/format";
import { noteKeys } from "../lib/notes";
import { useMe } from "../lib/session";
import { Field, ProblemAlert, rules, SubmitButton, useSubmit } from "./form";

type Role = "editor" | "viewer";
const ROLE_TEXT: Record<Role, string> = { editor: "can edit", viewer: "can read" };
const LINK_EXPIRIES = [
  { hours: 24, label: "1 day" },
  { hours: 168, label: "1 week" },
  { hours: 720, label: "30 days" },
  { hours: 0, label: "Until revoked" },
];

/** The address a share link opens: the note's page with the link's secret (shown once). */
export const noteLinkUrl = (noteId: string, token: string) =>
  `${window.location.origin}/notes/${encodeURIComponent(noteId)}?link=${encodeURIComponent(token)}`;

export function NoteSharing({ noteId }: { noteId: string }) {
  const me = useMe();
  const queryClient = useQueryClient();
  const key = noteKeys.shares(noteId);
  const shares = useQuery({
    queryKey: key,
    queryFn: () => unwrap(api.GET("/api/notes/{id}/shares", { params: { path: { id: noteId } } })),
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: key });

  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("editor");
  const [shared, setShared] = useState<string | null>(null);
  const invite = useSubmit({
    validate: () => ({ email: rules.email(email) }),
    submit: () =>
      unwrap(
        api.POST("/api/notes/{id}/shares", {
          params: { path: { id: noteId } },
          body: { email: email.trim(), role },
        }),
      ),
    onSuccess: () => {
      setShared(
        `Invited ${email.trim()} (${ROLE_TEXT[role]}): whoever has or gets an account with this email ${ROLE_TEXT[role]} once signed in`,
      );
      setEmail("");
      refresh();
    },
  });
  const unshare = useMutation({
    mutationFn: (userId: string) =>
      unwrap(api.DELETE("/api/notes/{id}/shares/{userId}", { params: { path: { id: noteId, userId } } })),
    onSuccess: refresh,
  });
  const cancel = useMutation({
    mutationFn: (inviteId: string) =>
      unwrap(
        api.DELETE("/api/notes/{id}/invitations/{inviteId}", { params: { path: { id: noteId, inviteId } } }),
      ),
    onSuccess: refresh,
  });

  const [linkRole, setLinkRole] = useState<Role>("viewer");
  const [hours, setHours] = useState(168);
  const [made, setMade] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const makeLink = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/notes/{id}/links", {
          params: { path: { id: noteId } },
          body: { role: linkRole, expiresInHours: hours || null },
        }),
      ),
    onSuccess: (link) => {
      setMade(link.token ? noteLinkUrl(noteId, link.token) : null);
      setCopied(false);
      refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (linkId: string) =>
      unwrap(api.DELETE("/api/notes/{id}/links/{linkId}", { params: { path: { id: noteId, linkId } } })),
    onSuccess: refresh,
  });
  const ids = { role: useId(), linkRole: useId(), hours: useId(), url: useId() };
  const error = unshare.error ?? cancel.error ?? revoke.error ?? makeLink.error;

  return (
    <section className="card stack" aria-labelledby="sharing-title">
      <h2 id="sharing-title">Sharing</h2>
      {error && <ProblemAlert problem={toProblem(error)} />}
      {shares.data && shares.data.accounts.length > 0 && (
        <ul className="item-list" aria-label="People it is shared with">
          {shares.data.accounts.map((a) => (
            <li key={a.userId} className="row spread">
              <span>
                {a.name} <span className="muted small">{ROLE_TEXT[a.role]}</span>
              </span>
              <button
                type="button"
                className="button ghost small"
                disabled={unshare.isPending}
                onClick={() => unshare.mutate(a.userId)}
              >
                Stop sharing<span className="visually-hidden"> with {a.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {shares.data && shares.data.invitations.length > 0 && (
        <ul className="item-list" aria-label="Invited, not opened yet">
          {shares.data.invitations.map((i) => (
            <li key={i.id} className="row spread">
              <span>
                <span>{i.email}</span>{" "}
                <span className="muted small">
                  invited ({ROLE_TEXT[i.role]}), {formatInstant(i.createdAt, me.timezone)}
                </span>
              </span>
              <button
                type="button"
                className="button ghost small"
                disabled={cancel.isPending}
                onClick={() => cancel.mutate(i.id)}
              >
                Cancel invitation<span className="visually-hidden"> of {i.email}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={invite.onSubmit} noValidate className="stack">
        <ProblemAlert problem={invite.problem} />
        <Field label="Share with (their email)" error={invite.errors.email}>
          {(p) => (
            <input
              {...p}
              type="email"
              autoComplete="off"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <div className="row">
          <label htmlFor={ids.role}>They</label>
          <select id={ids.role} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="editor">can edit</option>
            <option value="viewer">can read</option>
          </select>
          <SubmitButton pending={invite.pending}>Share</SubmitButton>
        </div>
        <p className="muted small" role="status">
          {shared ?? ""}
        </p>
      </form>

      <h3 className="h3">Links</h3>
      <div className="row">
        <label htmlFor={ids.linkRole}>Whoever has the link</label>
        <select id={ids.linkRole} value={linkRole} onChange={(e) => setLinkRole(e.target.value as Role)}>
          <option value="viewer">can read</option>
          <option value="editor">can edit</option>
        </select>
        <label htmlFor={ids.hours}>for</label>
        <select id={ids.hours} value={hours} onChange={(e) => setHours(Number(e.target.value))}>
          {LINK_EXPIRIES.map((e) => (
            <option key={e.hours} value={e.hours}>
              {e.label}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button"
          disabled={makeLink.isPending}
          onClick={() => makeLink.mutate()}
        >
          Make a link
        </button>
      </div>
      {made && (
        <div className="field">
          <label htmlFor={ids.url}>The link (shown once; they sign in to open it)</label>
          <div className="row">
            <input id={ids.url} readOnly value={made} onFocus={(e) => e.target.select()} />
            <button
              type="button"
              className="button"
              onClick={() => void navigator.clipboard?.writeText(made).then(() => setCopied(true))}
            >
              {copied ? "Copied" : "Copy"}
            </button>
          </div>
        </div>
      )}
      {shares.data && shares.data.links.length > 0 && (
        <ul className="item-list" aria-label="Live links">
          {shares.data.links.map((l) => (
            <li key={l.id} className="row spread">
              <span className="small">
                Link that {ROLE_TEXT[l.role]}, made {formatInstant(l.createdAt, me.timezone)}
                {l.expiresAt ? `, until ${formatInstant(l.expiresAt, me.timezone)}` : ", until revoked"}
              </span>
              <button
                type="button"
                className="button ghost small"
                disabled={revoke.isPending}
                onClick={() => revoke.mutate(l.id)}
              >
                Revoke<span className="visually-hidden"> this link</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
