import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useLocation } from "wouter";
import { api, unwrap } from "../api/client";
import { ErrorAlert, Field } from "../components/form";
import { Empty, QueryState } from "../components/states";

const clubsKey = ["clubs"] as const;

/** Your book clubs (with unread counts), a new one, or one joined by an invitation link's secret. */
export function ClubsPage() {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const clubs = useQuery({ queryKey: clubsKey, queryFn: () => unwrap(api.GET("/api/clubs")) });
  const [name, setName] = useState("");
  const [token, setToken] = useState("");
  const create = useMutation({
    mutationFn: (n: string) => unwrap(api.POST("/api/clubs", { body: { name: n } })),
    onSuccess: (c) => {
      void queryClient.invalidateQueries({ queryKey: clubsKey });
      navigate(`/clubs/${c.id}`);
    },
  });
  const join = useMutation({
    mutationFn: (t: string) => unwrap(api.POST("/api/club-invites/accept", { body: { token: t } })),
    onSuccess: (r) => {
      void queryClient.invalidateQueries({ queryKey: clubsKey });
      navigate(`/clubs/${r.clubId}`);
    },
  });
  const onCreate = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) create.mutate(name.trim());
  };
  const onJoin = (e: FormEvent) => {
    e.preventDefault();
    if (token.trim()) join.mutate(token.trim());
  };
  return (
    <section>
      <h1>Book clubs</h1>
      <QueryState query={clubs}>
        {(data) =>
          data.items.length === 0 ? (
            <Empty title="You are in no club yet">
              <p>Start one below, or join with an invitation link.</p>
            </Empty>
          ) : (
            <ul className="list">
              {data.items.map((c) => (
                <li key={c.id}>
                  <Link href={`/clubs/${c.id}`}>{c.name}</Link>
                  {c.unread ? <span className="badge"> {c.unread} unread</span> : null}
                  {c.schedule ? (
                    <span className="muted"> · this week: to page {c.schedule.targetPage}</span>
                  ) : null}
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
      <form onSubmit={onCreate} className="card">
        <h2>Start a club</h2>
        <Field label="Club name">
          {(p) => <input {...p} value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <ErrorAlert error={create.error} />
        <button type="submit" className="button" disabled={create.isPending}>
          Create club
        </button>
      </form>
      <form onSubmit={onJoin} className="card">
        <h2>Join by invitation</h2>
        <Field label="Invitation code">
          {(p) => <input {...p} value={token} maxLength={200} onChange={(e) => setToken(e.target.value)} />}
        </Field>
        <ErrorAlert error={join.error} />
        <button type="submit" className="button" disabled={join.isPending}>
          Join club
        </button>
      </form>
    </section>
  );
}
