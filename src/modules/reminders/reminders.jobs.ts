import { Type } from "@sinclair/typebox";
import type { Clock } from "../../platform/clock.js";
import type { Db } from "../../platform/db/database.js";
import type { ChannelKind } from "../../platform/db/schema.js";
import { defineJob, type JobHandler } from "../../platform/queue/queue.js";
import type { OutboundMessage } from "../channels/outbox.js";
import type { ReviewService } from "../review/review.service.js";
import { type ReviewSession, reviewDigest } from "../review/review-text.js";
import { shortTitle } from "../text/reply-format.js";
import type { ReadingBook, RemindersRepo, ScheduleRow } from "./reminders.repo.js";

/** One reminder slot of one schedule: ask its owner for pages, or send the review digest. */
export const remindersSend = defineJob({
  name: "reminders.send",
  payload: Type.Object(
    {
      scheduleId: Type.String({ minLength: 1, maxLength: 64 }),
      /** The nominal slot (RFC 3339): with the schedule id, the idempotency key of everything sent. */
      slot: Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$" }),
    },
    { additionalProperties: false },
  ),
  policy: { attempts: 5, backoff: { baseMs: 5_000, maxMs: 5 * 60_000 }, timeoutMs: 30_000 },
});

/** A channel link as the handler needs it. */
type Link = { kind: ChannelKind; address: string; last_inbound_at: string | null };

export interface ReminderJobDeps {
  repo: RemindersRepo;
  users: { byId(id: string): Promise<{ disabled_at: string | null; timezone: string } | undefined> };
  /** ChannelsService: sends to the linked channels (template outside WhatsApp's 24-hour window). */
  channels: {
    notify(
      ownerId: string,
      text: string,
      opts: { idempotencyKey: string; bookId?: string; kind?: ChannelKind },
    ): Promise<string[]>;
    messagesFor(
      ownerId: string,
      links: readonly Link[],
      text: string,
      opts: { idempotencyKey: string; bookId?: string },
    ): OutboundMessage[];
  };
  links: { linksOf(ownerId: string): Promise<Link[]> };
  /** Queues the messages of `messagesFor` on the transaction given; kick() starts their delivery. */
  outbox: { enqueue(m: OutboundMessage, db: Db): Promise<string | null>; kick(): void };
  text: {
    rememberBook(userId: string, conversationKey: string, bookId: string, db?: Db): Promise<void>;
    startReview(userId: string, conversationKey: string, session: ReviewSession): Promise<void>;
  };
  /** Group commit: the writes of one reminder share a transaction with those of reminders sent alongside. */
  writes: { run<T>(work: (tx: Db) => Promise<T>): Promise<T> };
  clock: Clock;
  /** Due cards for `what: "review"` schedules; absent: those send nothing. */
  review?: ReviewService;
  /** Called with the number of messages queued. */
  onSent?: (n: number) => void;
}

/**
 * Whether a slot's job should no longer send: a later slot of the schedule has fired since (a retry that
 * outlived its slot, or an enqueue repeated after a crash while a newer slot came due: only the newest one
 * goes), or the schedule has been paused since the job was enqueued.
 */
export function superseded(row: ScheduleRow, slot: string, now: Date): boolean {
  if (row.last_slot_at && Date.parse(row.last_slot_at) > Date.parse(slot)) return true;
  return row.paused_until !== null && Date.parse(row.paused_until) > now.getTime();
}

/** The page prompt: every book being read with its last page, and how to answer. */
export function pagePrompt(books: ReadingBook[]): string {
  const lines = books.map((b) => {
    const at = b.lastPage === null ? "not started" : `p.${b.lastPage}`;
    return `- ${shortTitle(b.title, 60)}: ${at}${b.totalPages ? ` of ${b.totalPages}` : ""}`;
  });
  const first = books[0]!;
  const word =
    first.title
      .toLowerCase()
      .split(/\s+/)
      .find((w) => /^[\p{L}\p{N}]{3,}$/u.test(w) && !["the", "and"].includes(w)) ?? "dune";
  const example =
    books.length === 1 ? String((first.lastPage ?? 0) + 10) : `${word} ${(first.lastPage ?? 0) + 10}`;
  return [
    books.length === 1
      ? "Reading time check: which page are you on?"
      : "Reading time check: which pages are you on?",
    ...lines,
    `Reply with the page, e.g. "${example}".`,
  ].join("\n");
}

/**
 * The handler: idempotent. Everything it sends goes through the outbox keyed by (schedule, slot, channel),
 * so a retry after a crash or a timeout queues nothing twice. Its writes (the conversation that makes a
 * bare "142" mean the book asked about, and the outbox rows) are one unit, committed together with those
 * of other reminders handled at the same time: all of a reminder's writes or none.
 */
export function reminderHandler(deps: ReminderJobDeps): JobHandler<typeof remindersSend.payload> {
  return async ({ scheduleId, slot }) => {
    const row = await deps.repo.anyById(scheduleId);
    if (!row || superseded(row, slot, deps.clock.now())) return;
    const user = await deps.users.byId(row.owner_id);
    if (!user || user.disabled_at) return;
    if (row.what === "review") return sendDigest(deps, row, user.timezone, `reminder:${scheduleId}:${slot}`);
    if (row.what !== "pages") return;
    const excluded = new Set(JSON.parse(row.exclude_book_ids) as string[]);
    const books = (await deps.repo.readingBooks(row.owner_id)).filter((b) => !excluded.has(b.id));
    if (books.length === 0) return;
    const kinds = row.channels ? (JSON.parse(row.channels) as ChannelKind[]) : null;
    const links = (await deps.links.linksOf(row.owner_id)).filter((l) => !kinds || kinds.includes(l.kind));
    const only = books.length === 1 ? books[0]!.id : undefined;
    const messages = deps.channels.messagesFor(row.owner_id, links, pagePrompt(books), {
      idempotencyKey: `reminder:${scheduleId}:${slot}`,
      ...(only ? { bookId: only } : {}),
    });
    const queued = await deps.writes.run(async (tx) => {
      // A bare "142" in reply then means this book, on every channel the prompt goes to.
      if (only)
        for (const link of links)
          await deps.text.rememberBook(row.owner_id, `${link.kind}:${link.address}`, only, tx);
      let n = 0;
      for (const m of messages) if (await deps.outbox.enqueue(m, tx)) n++;
      return n;
    });
    if (queued > 0) deps.outbox.kick();
    deps.onSent?.(queued);
  };
}

/**
 * The review digest: the first card due today in the owner's zone, how many are due and how to answer,
 * sent like the page prompt (same key per schedule, slot and channel); each conversation it goes to holds
 * the review session, so `3` in reply grades that card and shows the next. Nothing due: nothing sent.
 */
async function sendDigest(deps: ReminderJobDeps, row: ScheduleRow, timezone: string, key: string) {
  if (!deps.review) return;
  const digest = await reviewDigest(deps.review, { id: row.owner_id, timezone });
  if (!digest?.session) return;
  const kinds = row.channels ? (JSON.parse(row.channels) as ChannelKind[]) : null;
  for (const link of await deps.links.linksOf(row.owner_id))
    if (!kinds || kinds.includes(link.kind))
      await deps.text.startReview(row.owner_id, `${link.kind}:${link.address}`, digest.session);
  let sent = 0;
  for (const kind of kinds ?? [undefined])
    sent += (
      await deps.channels.notify(row.owner_id, digest.text, {
        idempotencyKey: key,
        ...(kind ? { kind } : {}),
      })
    ).length;
  deps.onSent?.(sent);
}
