import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from "react";
import { typingNow } from "../lib/chat-state";
import { type ChatMessage, type ClubDetail, clubKeys } from "../lib/clubs";
import { formatInstant } from "../lib/format";
import { useClubChat } from "../lib/use-club-chat";
import { ConfirmButton } from "./book-form";

const REACTIONS = ["👍", "❤️", "😂", "😮", "🎉"];

function Message({
  m,
  me,
  names,
  timezone,
  chat,
  moderator,
}: {
  m: ChatMessage;
  me: string;
  /** A moderator (or the owner) deletes anyone's message. */
  moderator: boolean;
  names: Map<string, string>;
  timezone: string;
  chat: ReturnType<typeof useClubChat>;
}) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(m.body);
  const [error, setError] = useState<string | null>(null);
  const mine = m.authorId === me;
  const run = (p: Promise<unknown>) =>
    p.then(
      () => setError(null),
      (err: Error) => setError(err.message),
    );
  const author = m.authorName ?? (m.authorId ? names.get(m.authorId) : undefined) ?? "Someone";
  if (m.deletedAt)
    return (
      <li className="chat-message deleted">
        <p className="muted small">{author}: message deleted</p>
      </li>
    );
  return (
    <li className={mine ? "chat-message mine" : "chat-message"}>
      <p className="chat-meta small">
        <strong>{mine ? "You" : author}</strong>{" "}
        <time dateTime={m.createdAt} className="muted">
          {formatInstant(m.createdAt, timezone)}
        </time>
        {m.editedAt ? <span className="muted"> (edited)</span> : null}
        {m.source !== "web" ? <span className="muted"> via {m.source}</span> : null}
      </p>
      {editing ? (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void run(chat.edit(m.id, text.trim()).then(() => setEditing(false)));
          }}
        >
          <label className="visually-hidden" htmlFor={`edit-${m.id}`}>
            Edit your message
          </label>
          <input id={`edit-${m.id}`} value={text} onChange={(e) => setText(e.target.value)} />
          <button type="submit" className="button primary">
            Save
          </button>
          <button type="button" className="button ghost" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <p className="chat-body">{m.body}</p>
      )}
      <div className="row chat-actions">
        {m.reactions.map((r) => (
          <button
            key={r.emoji}
            type="button"
            className="tag"
            aria-pressed={r.userIds.includes(me)}
            onClick={() => void run(chat.react(m.id, r.emoji, !r.userIds.includes(me)))}
          >
            {r.emoji} {r.userIds.length}
            <span className="visually-hidden"> (react {r.emoji})</span>
          </button>
        ))}
        <details className="react-picker">
          <summary className="small">React</summary>
          {REACTIONS.filter((e) => !m.reactions.some((r) => r.emoji === e)).map((e) => (
            <button key={e} type="button" className="tag" onClick={() => void run(chat.react(m.id, e, true))}>
              {e}
              <span className="visually-hidden"> react with {e}</span>
            </button>
          ))}
        </details>
        {mine && !editing && (
          <>
            <button type="button" className="button ghost small" onClick={() => setEditing(true)}>
              Edit
            </button>
            <button type="button" className="button ghost small" onClick={() => void run(chat.remove(m.id))}>
              Delete
            </button>
          </>
        )}
        {!mine && moderator && (
          <ConfirmButton
            label="Delete"
            question={`Delete ${author}'s message for everyone?`}
            onConfirm={() => void run(chat.remove(m.id))}
            pending={false}
          />
        )}
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

export function ClubChat({ club, me, timezone }: { club: ClubDetail; me: string; timezone: string }) {
  const chat = useClubChat(club.id, me);
  const { state } = chat;
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const list = useRef<HTMLOListElement>(null);
  const names = new Map(club.members.map((m) => [m.userId, m.name]));
  const lastId = state.messages.at(-1)?.id;
  const queryClient = useQueryClient();

  // Someone the page does not know yet (they joined since it loaded): fetch the members again.
  const unknown = state.present.some((id) => !names.has(id));
  useEffect(() => {
    if (unknown) void queryClient.invalidateQueries({ queryKey: clubKeys.club(club.id) });
  }, [unknown, club.id, queryClient]);

  // Typing indicators fade on their own.
  useEffect(() => {
    if (Object.keys(state.typing).length === 0) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [state.typing]);

  // Read while the page is open: the newest message marks the chat read, and the list keeps it in view.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the newest message changes
  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView?.({ block: "nearest" });
    if (lastId && chat.connection === "live" && state.unread > 0 && document.visibilityState === "visible")
      void chat.markRead(lastId).catch(() => {});
  }, [lastId, chat.connection]);

  const send = async (e: FormEvent) => {
    e.preventDefault();
    const body = text.trim();
    if (!body) {
      setError("Write a message first");
      return;
    }
    try {
      await chat.send(body);
      setText("");
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      void send(e as unknown as FormEvent);
    } else chat.typing();
  };
  const typing = typingNow(state, me, now).map((id) => names.get(id) ?? "Someone");
  const here = state.present.filter((id) => id !== me).map((id) => names.get(id) ?? "Someone");

  return (
    <section className="card chat-panel" aria-labelledby="chat-title">
      <div className="row spread">
        <h2 id="chat-title">Chat</h2>
        <p className="muted small" role="status">
          {chat.connection === "live"
            ? "Live"
            : chat.connection === "connecting"
              ? "Connecting…"
              : chat.connection === "left"
                ? "Closed"
                : "Offline, reconnecting…"}
          {state.unread > 0 ? ` · ${state.unread} unread` : ""}
        </p>
      </div>
      <p className="muted small">
        {here.length ? `Here now: ${here.join(", ")}` : "Nobody else is here right now."}
      </p>
      {chat.problem && (
        <p className="alert alert-error" role="alert">
          {chat.problem}
        </p>
      )}
      {state.more && (
        <button
          type="button"
          className="button ghost"
          onClick={() => void chat.loadOlder().catch((err: Error) => setError(err.message))}
        >
          Earlier messages
        </button>
      )}
      <ol className="chat-list" aria-label="Messages" aria-live="polite" ref={list}>
        {state.messages.map((m) => (
          <Message
            key={m.id}
            m={m}
            me={me}
            names={names}
            timezone={timezone}
            chat={chat}
            moderator={club.role === "owner" || club.role === "moderator"}
          />
        ))}
      </ol>
      {state.messages.length === 0 && chat.connection === "live" && (
        <p className="muted">No messages yet: say hello.</p>
      )}
      <p className="muted small chat-typing" aria-live="polite">
        {typing.length ? `${typing.join(", ")} ${typing.length > 1 ? "are" : "is"} typing…` : ""}
      </p>
      {club.role !== undefined && (
        <form onSubmit={send} className="chat-form">
          <label htmlFor="chat-input">Message</label>
          <textarea
            id="chat-input"
            rows={2}
            value={text}
            aria-invalid={Boolean(error)}
            aria-describedby={error ? "chat-error" : undefined}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={onKey}
          />
          {error && (
            <p className="field-error" id="chat-error">
              {error}
            </p>
          )}
          <button type="submit" className="button primary" disabled={chat.connection !== "live"}>
            Send
          </button>
        </form>
      )}
    </section>
  );
}
