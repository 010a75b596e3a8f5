import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useParams } from "wouter";
import { api, unwrap } from "../api/client";
import { ErrorAlert, Field } from "../components/form";
import { Empty, QueryState } from "../components/states";
import { useClubRoom } from "../lib/club-room";
import { formatInstant } from "../lib/format";
import { useMe } from "../lib/session";

/** One club: its book and schedule, its members (and the progress they share), and its chat, live. */
export function ClubPage() {
  const { id = "" } = useParams<{ id: string }>();
  const me = useMe();
  const club = useQuery({
    queryKey: ["club", id],
    queryFn: () => unwrap(api.GET("/api/clubs/{id}", { params: { path: { id } } })),
  });
  const room = useClubRoom(id);
  const [draft, setDraft] = useState("");
  const [refused, setRefused] = useState<string | null>(null);
  const invite = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/clubs/{id}/invites", {
          params: { path: { id } },
          body: { link: { expiresInHours: 72 } },
        }),
      ),
  });
  const names = new Map((club.data?.members ?? []).map((m) => [m.userId, m.name]));

  const onSend = async (e: FormEvent) => {
    e.preventDefault();
    const body = draft.trim();
    if (!body) return;
    const problem = await room.send(body);
    setRefused(problem);
    if (!problem) setDraft("");
  };

  return (
    <QueryState query={club}>
      {(c) => (
        <section>
          <p>
            <Link href="/clubs">← Clubs</Link>
          </p>
          <h1>{c.name}</h1>
          {c.reading && (
            <p className="muted">
              Reading {c.reading.title}
              {c.schedule ? ` · week ${c.schedule.week}: to page ${c.schedule.targetPage}` : ""}
            </p>
          )}
          <details>
            <summary>
              {c.members.length} member{c.members.length === 1 ? "" : "s"}, {room.present.length} here now
            </summary>
            <ul>
              {c.members.map((m) => (
                <li key={m.userId}>
                  {m.name} {m.role !== "member" ? `(${m.role})` : ""}
                  {m.progress?.page ? ` · page ${m.progress.page}` : ""}
                  {room.present.includes(m.userId) ? " · here" : ""}
                </li>
              ))}
            </ul>
            {c.role !== "member" && (
              <p>
                <button type="button" className="button ghost" onClick={() => invite.mutate()}>
                  Make an invitation code
                </button>
                {invite.data?.token && (
                  <span>
                    {" "}
                    Share this code (valid 3 days): <code>{invite.data.token}</code>
                  </span>
                )}
              </p>
            )}
          </details>
          <h2>Chat</h2>
          {room.error && (
            <div className="alert alert-error" role="alert">
              {room.error}
            </div>
          )}
          <ol className="chat club-chat" aria-live="polite" aria-label="Messages">
            {room.messages.length === 0 && (
              <li>
                <Empty title="No messages yet" />
              </li>
            )}
            {room.messages.map((m) => (
              <li key={m.id}>
                <strong>{m.authorName ?? names.get(m.authorId ?? "") ?? "Someone"}</strong>{" "}
                <span className="muted">{formatInstant(m.createdAt, me.timezone)}</span>
                <p className={m.authorId === me.id ? "chat-you" : "chat-reply"}>
                  {m.deletedAt ? <em>deleted</em> : m.body}
                </p>
              </li>
            ))}
          </ol>
          <p className="muted" aria-live="polite">
            {room.typing
              .filter((u) => u !== me.id)
              .map((u) => names.get(u) ?? "Someone")
              .join(", ")}
            {room.typing.some((u) => u !== me.id) ? " is typing…" : ""}
          </p>
          <form onSubmit={onSend}>
            <Field label="Message" error={refused ?? undefined}>
              {(p) => (
                <textarea
                  {...p}
                  value={draft}
                  maxLength={2000}
                  rows={2}
                  onChange={(e) => {
                    setDraft(e.target.value);
                    room.typed();
                  }}
                />
              )}
            </Field>
            <ErrorAlert error={invite.error} />
            <button type="submit" className="button" disabled={!room.connected}>
              Send
            </button>
          </form>
        </section>
      )}
    </QueryState>
  );
}
