import { useQueryClient } from "@tanstack/react-query";
import { type KeyboardEvent, useId, useRef, useState } from "react";
import { api, unwrap } from "../api/client";
import { toProblem } from "../api/problem";
import { useDraft } from "../lib/draft";
import { invalidateReadingLog } from "../lib/queries";

interface Exchange {
  text: string;
  reply: string;
  failed?: boolean;
}

const HISTORY_KEPT = 50;

/**
 * The chat's text commands in the browser (`dune 142`, `+20 dune`, `yesterday dune 120`, `today`…): the
 * same parser and replies as WhatsApp and Telegram, through POST /api/text. The history stays for the
 * session; ↑ and ↓ walk through what was sent.
 */
export function CommandBar() {
  const queryClient = useQueryClient();
  const id = useId();
  const [draft, setDraft] = useDraft("command-bar", { text: "" });
  const [history, setHistory] = useDraft<{ items: Exchange[] }>("command-history", { items: [] });
  const [pending, setPending] = useState(false);
  const [cursor, setCursor] = useState<number | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const send = async (event: React.FormEvent) => {
    event.preventDefault();
    const text = draft.text.trim();
    if (!text || pending) return;
    setPending(true);
    let exchange: Exchange;
    try {
      const answer = await unwrap(api.POST("/api/text", { body: { text, channel: "web" } }));
      exchange = { text, reply: answer.reply };
      setDraft({ text: "" });
      invalidateReadingLog(queryClient, answer.bookId);
    } catch (err) {
      // The typed text stays in the box to fix and send again.
      const p = toProblem(err);
      exchange = { text, reply: p.detail ?? p.title, failed: true };
    }
    setHistory({ items: [...history.items, exchange].slice(-HISTORY_KEPT) });
    setCursor(null);
    setPending(false);
    input.current?.focus();
  };

  const sent = history.items.map((e) => e.text);
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== "ArrowUp" && e.key !== "ArrowDown") return;
    if (sent.length === 0) return;
    e.preventDefault();
    const at = cursor ?? sent.length;
    const next = e.key === "ArrowUp" ? Math.max(0, at - 1) : Math.min(sent.length, at + 1);
    setCursor(next);
    setDraft({ text: next === sent.length ? "" : (sent[next] ?? "") });
  };

  return (
    <section className="card command-bar" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Tell Readlog</h2>
      {history.items.length > 0 && (
        <ol className="chat" aria-label="Commands and replies">
          {history.items.slice(-6).map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the log only grows at its end
            <li key={i}>
              <p className="chat-you">
                <span className="visually-hidden">You: </span>
                {e.text}
              </p>
              <p className={e.failed ? "chat-reply chat-failed" : "chat-reply"}>
                <span className="visually-hidden">Readlog: </span>
                {e.reply}
              </p>
            </li>
          ))}
        </ol>
      )}
      <p className="visually-hidden" aria-live="polite">
        {history.items.at(-1)?.reply}
      </p>
      <form className="command-form" onSubmit={send}>
        <label htmlFor={id} className="visually-hidden">
          Command
        </label>
        <input
          id={id}
          ref={input}
          value={draft.text}
          onChange={(e) => setDraft({ text: e.target.value })}
          onKeyDown={onKeyDown}
          placeholder="dune 142 · +20 dune · yesterday dune 120 · today · help"
          autoComplete="off"
          enterKeyHint="send"
          maxLength={2000}
        />
        <button type="submit" className="button primary" disabled={pending || !draft.text.trim()}>
          {pending ? "Sending…" : "Send"}
        </button>
      </form>
    </section>
  );
}
