/**
 * A club's settings on its page: its name, description, book and schedule (moderators), invitations by
 * link or by account (moderators), and each member's own choices (share progress, their copy of the book,
 * chat on their phone). The owner can delete the club.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type ChangeEvent, useId, useState } from "react";
import { useLocation } from "wouter";
import { api, unwrap } from "../api/client";
import { toProblem } from "../api/problem";
import { type ClubDetail, clubKeys, inviteUrl } from "../lib/clubs";
import { formatInstant, todayIn } from "../lib/format";
import { useMe } from "../lib/session";
import { ConfirmButton } from "./book-form";
import { Field, ProblemAlert, rules, SubmitButton, useSubmit } from "./form";

/** Changes the club, then the page shows it (the room's `club:updated` refreshes the others' pages). */
function useRefreshClub(id: string) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: clubKeys.club(id) });
    void queryClient.invalidateQueries({ queryKey: clubKeys.clubs });
  };
}

/** Name, description, book and schedule (target pages a week): moderators and the owner. */
export function ClubSettings({ club }: { club: ClubDetail }) {
  const me = useMe();
  const refresh = useRefreshClub(club.id);
  const [saved, setSaved] = useState(false);
  const [v, setV] = useState({
    name: club.name,
    description: club.description ?? "",
    title: club.reading?.title ?? "",
    totalPages: club.reading?.totalPages ? String(club.reading.totalPages) : "",
    startsOn: club.reading?.startsOn ?? todayIn(me.timezone),
    pagesPerWeek: String(club.reading?.pagesPerWeek ?? 50),
  });
  const form = useSubmit({
    validate: () => ({
      name: rules.required(v.name, "The name"),
      totalPages: rules.intRange(v.totalPages, 1, 100_000, "The pages"),
      pagesPerWeek: v.title.trim()
        ? (rules.required(v.pagesPerWeek, "Pages a week") ??
          rules.intRange(v.pagesPerWeek, 1, 10_000, "Pages a week"))
        : undefined,
      startsOn: v.title.trim() ? rules.required(v.startsOn, "The first day") : undefined,
    }),
    submit: () =>
      unwrap(
        api.PATCH("/api/clubs/{id}", {
          params: { path: { id: club.id } },
          body: {
            name: v.name.trim(),
            description: v.description.trim() || null,
            reading: v.title.trim()
              ? {
                  title: v.title.trim(),
                  totalPages: v.totalPages ? Number(v.totalPages) : null,
                  startsOn: v.startsOn,
                  pagesPerWeek: Number(v.pagesPerWeek),
                }
              : null,
          },
        }),
      ),
    onSuccess: () => {
      setSaved(true);
      refresh();
    },
  });
  const field = (key: keyof typeof v) => ({
    value: v[key],
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
      setSaved(false);
      setV({ ...v, [key]: e.target.value });
    },
  });
  return (
    <form className="card" onSubmit={form.onSubmit} noValidate aria-labelledby="settings-title">
      <h2 id="settings-title">Club settings</h2>
      <ProblemAlert problem={form.problem} />
      <Field label="Club name" error={form.errors.name}>
        {(p) => <input {...p} {...field("name")} />}
      </Field>
      <Field label="About the club" error={form.errors.description}>
        {(p) => <textarea {...p} rows={2} {...field("description")} />}
      </Field>
      <fieldset>
        <legend>The book and its schedule</legend>
        <Field
          label="Book the club reads"
          hint="Leave empty for no book (and no schedule)"
          error={form.errors["reading/title"]}
        >
          {(p) => <input {...p} {...field("title")} />}
        </Field>
        <div className="row">
          <Field label="Its pages" error={form.errors.totalPages ?? form.errors["reading/totalPages"]}>
            {(p) => <input {...p} inputMode="numeric" {...field("totalPages")} />}
          </Field>
          <Field label="First day" error={form.errors.startsOn ?? form.errors["reading/startsOn"]}>
            {(p) => <input {...p} type="date" {...field("startsOn")} />}
          </Field>
          <Field
            label="Target pages a week"
            error={form.errors.pagesPerWeek ?? form.errors["reading/pagesPerWeek"]}
          >
            {(p) => <input {...p} inputMode="numeric" {...field("pagesPerWeek")} />}
          </Field>
        </div>
      </fieldset>
      <div className="row">
        <SubmitButton pending={form.pending}>Save the club</SubmitButton>
        <span className="muted small" role="status">
          {saved ? "Saved" : ""}
        </span>
      </div>
      {club.role === "owner" && <DeleteClub club={club} />}
    </form>
  );
}

function DeleteClub({ club }: { club: ClubDetail }) {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/clubs/{id}", { params: { path: { id: club.id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: clubKeys.clubs });
      navigate("/clubs", { replace: true });
    },
  });
  return (
    <div className="stack">
      {remove.error && <ProblemAlert problem={toProblem(remove.error)} />}
      <ConfirmButton
        label="Delete the club"
        question={`Delete ${club.name} and its whole chat for everyone?`}
        onConfirm={() => remove.mutate()}
        pending={remove.isPending}
      />
    </div>
  );
}

const EXPIRIES = [
  { hours: 24, label: "1 day" },
  { hours: 72, label: "3 days" },
  { hours: 168, label: "1 week" },
  { hours: 720, label: "30 days" },
];

/** The link made last: its secret is shown once, so it is kept here until the page closes. */
function NewLink({ url, hours }: { url: string; hours: number }) {
  const [copied, setCopied] = useState(false);
  const id = useId();
  const expiry = EXPIRIES.find((e) => e.hours === hours)?.label ?? `${hours} hours`;
  return (
    <div className="field">
      <label htmlFor={id}>Invitation link (valid {expiry}; shown once)</label>
      <div className="row">
        <input id={id} readOnly value={url} onFocus={(e) => e.target.select()} />
        <button
          type="button"
          className="button"
          onClick={() => void navigator.clipboard?.writeText(url).then(() => setCopied(true))}
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </div>
  );
}

/** Invitations (moderators): a link that expires, or an account by email; the live ones can be revoked. */
export function ClubInvites({ club }: { club: ClubDetail }) {
  const me = useMe();
  const queryClient = useQueryClient();
  const key = ["club", club.id, "invites"] as const;
  const invites = useQuery({
    queryKey: key,
    queryFn: () => unwrap(api.GET("/api/clubs/{id}/invites", { params: { path: { id: club.id } } })),
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: key });
  const [hours, setHours] = useState(72);
  const [made, setMade] = useState<{ url: string; hours: number } | null>(null);
  const link = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/clubs/{id}/invites", {
          params: { path: { id: club.id } },
          body: { link: { expiresInHours: hours } },
        }),
      ),
    onSuccess: (invite) => {
      setMade(invite.token ? { url: inviteUrl(invite.token), hours } : null);
      refresh();
    },
  });
  const [email, setEmail] = useState("");
  const [invited, setInvited] = useState<string | null>(null);
  const byEmail = useSubmit({
    validate: () => ({ email: rules.email(email) }),
    submit: () =>
      unwrap(
        api.POST("/api/clubs/{id}/invites", {
          params: { path: { id: club.id } },
          body: { email: email.trim(), expiresInHours: 720 },
        }),
      ),
    onSuccess: () => {
      setInvited(email.trim());
      setEmail("");
      refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/club-invites/{id}", { params: { path: { id } } })),
    onSuccess: refresh,
  });
  const expiryId = useId();
  const now = new Date().toISOString();
  const live = (invites.data?.items ?? []).filter((i) => !i.revokedAt && (!i.expiresAt || i.expiresAt > now));
  return (
    <section className="card stack" aria-labelledby="club-invites-title">
      <h2 id="club-invites-title">Invitations</h2>
      <div className="row">
        <label htmlFor={expiryId}>Link valid for</label>
        <select id={expiryId} value={hours} onChange={(e) => setHours(Number(e.target.value))}>
          {EXPIRIES.map((e) => (
            <option key={e.hours} value={e.hours}>
              {e.label}
            </option>
          ))}
        </select>
        <button type="button" className="button" onClick={() => link.mutate()} disabled={link.isPending}>
          Make an invitation link
        </button>
      </div>
      {link.error && <ProblemAlert problem={toProblem(link.error)} />}
      {made && <NewLink url={made.url} hours={made.hours} />}
      <form onSubmit={byEmail.onSubmit} noValidate className="stack">
        <ProblemAlert problem={byEmail.problem} />
        <Field
          label="Invite an account by email"
          hint="They find the invitation on their Clubs page"
          error={byEmail.errors.email}
        >
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
          <SubmitButton pending={byEmail.pending}>Invite</SubmitButton>
          <span className="muted small" role="status">
            {invited ? `Invited ${invited}` : ""}
          </span>
        </div>
      </form>
      {revoke.error && <ProblemAlert problem={toProblem(revoke.error)} />}
      {live.length > 0 && (
        <ul className="item-list" aria-label="Open invitations">
          {live.map((i) => (
            <li key={i.id} className="row spread">
              <span className="small">
                {i.kind === "link"
                  ? `Link, used ${i.uses} ${i.uses === 1 ? "time" : "times"}`
                  : `${club.members.find((m) => m.userId === i.userId)?.name ?? "An account"}, invited`}
                {i.expiresAt ? ` · until ${formatInstant(i.expiresAt, me.timezone)}` : ""}
              </span>
              <button
                type="button"
                className="button ghost small"
                onClick={() => revoke.mutate(i.id)}
                disabled={revoke.isPending}
              >
                Revoke<span className="visually-hidden"> this invitation</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** What one can do to another member: the owner sets roles and hands over; moderators remove members. */
export function MemberActions({ club, member }: { club: ClubDetail; member: ClubDetail["members"][number] }) {
  const me = useMe();
  const refresh = useRefreshClub(club.id);
  const role = useMutation({
    mutationFn: (r: "owner" | "moderator" | "member") =>
      unwrap(
        api.POST("/api/clubs/{id}/role", {
          params: { path: { id: club.id } },
          body: { userId: member.userId, role: r },
        }),
      ),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/clubs/{id}/remove-member", {
          params: { path: { id: club.id } },
          body: { userId: member.userId },
        }),
      ),
    onSuccess: refresh,
  });
  if (member.userId === me.id || member.role === "owner") return null;
  const owner = club.role === "owner";
  const canRemove = owner || (club.role === "moderator" && member.role === "member");
  if (!owner && !canRemove) return null;
  const error = role.error ?? remove.error;
  return (
    <div className="row member-actions">
      {owner && (
        <button
          type="button"
          className="button ghost small"
          disabled={role.isPending}
          onClick={() => role.mutate(member.role === "moderator" ? "member" : "moderator")}
        >
          {member.role === "moderator" ? "Make member" : "Make moderator"}
          <span className="visually-hidden"> ({member.name})</span>
        </button>
      )}
      {owner && (
        <ConfirmButton
          label={`Hand over to ${member.name}`}
          question={`Make ${member.name} the owner? You become a moderator.`}
          onConfirm={() => role.mutate("owner")}
          pending={role.isPending}
        />
      )}
      {canRemove && (
        <ConfirmButton
          label={`Remove ${member.name}`}
          question={`Remove ${member.name} from ${club.name}?`}
          onConfirm={() => remove.mutate()}
          pending={remove.isPending}
        />
      )}
      {error && <ProblemAlert problem={toProblem(error)} />}
    </div>
  );
}

/** The member's own choices: share progress with the club, which copy is theirs, the chat on their phone. */
export function MyMembership({ club }: { club: ClubDetail }) {
  const refresh = useRefreshClub(club.id);
  const books = useQuery({
    queryKey: ["books", "all"],
    queryFn: () => unwrap(api.GET("/api/books", { params: { query: { limit: 200 } } })),
  });
  const change = useMutation({
    mutationFn: (
      body: Partial<{
        shareProgress: boolean;
        bookId: string | null;
        deliverChat: ClubDetail["me"]["deliverChat"];
      }>,
    ) => unwrap(api.PATCH("/api/clubs/{id}/membership", { params: { path: { id: club.id } }, body })),
    onSuccess: refresh,
  });
  const ids = { share: useId(), book: useId(), deliver: useId() };
  return (
    <section className="card stack" aria-labelledby="membership-title">
      <h2 id="membership-title">You in this club</h2>
      {change.error && <ProblemAlert problem={toProblem(change.error)} />}
      <div className="row">
        <input
          id={ids.share}
          type="checkbox"
          checked={club.me.shareProgress}
          disabled={change.isPending}
          onChange={(e) => change.mutate({ shareProgress: e.target.checked })}
        />
        <label htmlFor={ids.share}>Show the club my progress on its book</label>
      </div>
      <div className="field">
        <label htmlFor={ids.book}>My copy of the book</label>
        <select
          id={ids.book}
          value={club.me.bookId ?? ""}
          disabled={change.isPending}
          onChange={(e) => change.mutate({ bookId: e.target.value || null })}
        >
          <option value="">None chosen</option>
          {books.data?.items.map((b) => (
            <option key={b.id} value={b.id}>
              {b.title}
            </option>
          ))}
        </select>
        <p className="hint">The progress the club sees (if you show it) is the one of this book.</p>
      </div>
      <div className="field">
        <label htmlFor={ids.deliver}>The chat on my phone</label>
        <select
          id={ids.deliver}
          value={club.me.deliverChat ?? ""}
          disabled={change.isPending}
          onChange={(e) =>
            change.mutate({
              deliverChat: (e.target.value || null) as ClubDetail["me"]["deliverChat"],
            })
          }
        >
          <option value="">Not sent</option>
          <option value="all">Every linked chat app</option>
          <option value="whatsapp">WhatsApp</option>
          <option value="telegram">Telegram</option>
        </select>
        <p className="hint">Answer from there with “club: …”.</p>
      </div>
    </section>
  );
}
