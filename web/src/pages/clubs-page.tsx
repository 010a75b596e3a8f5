import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Link, useLocation, useSearchParams } from "wouter";
import { api, unwrap } from "../api/client";
import { toProblem } from "../api/problem";
import { ErrorAlert, Field, ProblemAlert, rules, SubmitButton, useSubmit } from "../components/form";
import { Empty, Loading, QueryState } from "../components/states";
import { clubKeys, roleLabel } from "../lib/clubs";
import { formatDay, todayIn } from "../lib/format";
import { useMe } from "../lib/session";

function CreateClub() {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const me = useMe();
  const [v, setV] = useState({
    name: "",
    description: "",
    title: "",
    totalPages: "",
    startsOn: todayIn(me.timezone),
    pagesPerWeek: "50",
  });
  const form = useSubmit({
    validate: () => ({
      name: rules.required(v.name, "The name"),
      totalPages: rules.intRange(v.totalPages, 1, 100_000, "The pages"),
      pagesPerWeek: v.title.trim()
        ? (rules.required(v.pagesPerWeek, "Pages a week") ??
          rules.intRange(v.pagesPerWeek, 1, 10_000, "Pages a week"))
        : undefined,
    }),
    submit: () =>
      unwrap(
        api.POST("/api/clubs", {
          body: {
            name: v.name.trim(),
            ...(v.description.trim() ? { description: v.description.trim() } : {}),
            ...(v.title.trim()
              ? {
                  reading: {
                    title: v.title.trim(),
                    totalPages: v.totalPages ? Number(v.totalPages) : null,
                    startsOn: v.startsOn,
                    pagesPerWeek: Number(v.pagesPerWeek),
                  },
                }
              : {}),
          },
        }),
      ),
    onSuccess: (club) => {
      void queryClient.invalidateQueries({ queryKey: clubKeys.clubs });
      navigate(`/clubs/${club.id}`);
    },
  });
  const field = (key: keyof typeof v) => ({
    value: v[key],
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      setV({ ...v, [key]: e.target.value }),
  });
  return (
    <form className="card" onSubmit={form.onSubmit} noValidate aria-labelledby="create-title">
      <h2 id="create-title">Start a club</h2>
      <ProblemAlert problem={form.problem} />
      <Field label="Name" error={form.errors.name}>
        {(p) => <input {...p} {...field("name")} />}
      </Field>
      <Field label="Description" error={form.errors.description}>
        {(p) => <textarea {...p} rows={2} {...field("description")} />}
      </Field>
      <fieldset>
        <legend>The book and its schedule (optional)</legend>
        <Field label="Book title" error={form.errors["reading/title"]}>
          {(p) => <input {...p} {...field("title")} />}
        </Field>
        <div className="row">
          <Field label="Pages" error={form.errors.totalPages ?? form.errors["reading/totalPages"]}>
            {(p) => <input {...p} inputMode="numeric" {...field("totalPages")} />}
          </Field>
          <Field label="Starts on" error={form.errors["reading/startsOn"]}>
            {(p) => <input {...p} type="date" {...field("startsOn")} />}
          </Field>
          <Field label="Pages a week" error={form.errors.pagesPerWeek ?? form.errors["reading/pagesPerWeek"]}>
            {(p) => <input {...p} inputMode="numeric" {...field("pagesPerWeek")} />}
          </Field>
        </div>
      </fieldset>
      <SubmitButton pending={form.pending}>Create the club</SubmitButton>
    </form>
  );
}

function WaitingInvites() {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const invites = useQuery({
    queryKey: clubKeys.invites,
    queryFn: () => unwrap(api.GET("/api/club-invites")),
  });
  const accept = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST("/api/club-invites/{id}/accept", { params: { path: { id } } })),
    onSuccess: (r) => {
      void queryClient.invalidateQueries({ queryKey: clubKeys.clubs });
      void queryClient.invalidateQueries({ queryKey: clubKeys.invites });
      navigate(`/clubs/${r.clubId}`);
    },
  });
  if (!invites.data || invites.data.items.length === 0) return null;
  return (
    <section className="card" aria-labelledby="invites-title">
      <h2 id="invites-title">Invitations</h2>
      {accept.error && <ProblemAlert problem={toProblem(accept.error)} />}
      <ul className="item-list">
        {invites.data.items.map((i) => (
          <li key={i.id} className="item row spread">
            <span>{i.clubName ?? "A club"}</span>
            <button type="button" className="button primary" onClick={() => accept.mutate(i.id)}>
              Join {i.clubName ?? "the club"}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ClubsPage() {
  const clubs = useQuery({ queryKey: clubKeys.clubs, queryFn: () => unwrap(api.GET("/api/clubs")) });
  return (
    <>
      <h1>Book clubs</h1>
      <WaitingInvites />
      <QueryState query={clubs} loading="Loading your clubs…">
        {(c) =>
          c.items.length === 0 ? (
            <Empty title="You are in no club yet">
              <p>Start one below, or open the invitation link a friend sent you.</p>
            </Empty>
          ) : (
            <ul className="item-list" aria-label="Your clubs">
              {c.items.map((club) => (
                <li key={club.id} className="item">
                  <h2 className="h3">
                    <Link href={`/clubs/${club.id}`}>{club.name}</Link>
                    {club.unread ? (
                      <span className="badge">
                        {club.unread}
                        <span className="visually-hidden"> unread messages</span>
                      </span>
                    ) : null}
                  </h2>
                  <p className="muted small">
                    {[
                      roleLabel(club.role),
                      club.reading ? `reading ${club.reading.title}` : "",
                      club.schedule && club.schedule.week > 0
                        ? `week ${club.schedule.week}: up to p. ${club.schedule.targetPage}`
                        : club.reading
                          ? `starts ${formatDay(club.reading.startsOn)}`
                          : "",
                    ]
                      .filter(Boolean)
                      .join(" · ")}
                  </p>
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
      <CreateClub />
    </>
  );
}

/** The page an invitation link opens: joins with its secret, then goes to the club. */
export function JoinClubPage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const asked = useRef(false);
  const join = useMutation({
    mutationFn: () => unwrap(api.POST("/api/club-invites/accept", { body: { token } })),
    onSuccess: (r) => {
      void queryClient.invalidateQueries({ queryKey: clubKeys.clubs });
      navigate(`/clubs/${r.clubId}`, { replace: true });
    },
  });
  useEffect(() => {
    if (!token || asked.current) return;
    asked.current = true;
    join.mutate();
  }, [token, join.mutate]);
  return (
    <>
      <h1>Join a club</h1>
      {!token ? (
        <p>This invitation link has no secret in it: ask for a new link.</p>
      ) : join.error ? (
        <>
          <ErrorAlert error={join.error} />
          <p>
            <Link href="/clubs">Your clubs</Link>
          </p>
        </>
      ) : (
        <Loading label="Joining…" />
      )}
    </>
  );
}
