import { Type } from "@sinclair/typebox";
import type { Actor } from "../../platform/access/actor.js";
import type { ChannelKind } from "../../platform/channels/channel.js";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { defineJob, type JobHandler } from "../../platform/queue/queue.js";
import type { OutboundMessage } from "../channels/outbound.js";
import type { HighlightReview } from "../review/highlight-review.js";
import { REVIEW_SESSION } from "../review/review.commands.js";
import type { ReviewService } from "../review/review.service.js";
import { reviewDigest } from "../review/review-text.js";
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
  uow: UnitOfWork;
  repo: RemindersRepo;
  /** The owner as an actor (undefined when gone or disabled: nothing is sent). */
  users: { actor(id: string): Promise<Actor | undefined> };
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
  /** Queues the messages of `messagesFor` (each with its send job) in the caller's unit of work. */
  outbox: { enqueueMany(ms: readonly OutboundMessage[]): Promise<(string | null)[]> };
  text: {
    rememberBook(userId: string, conversationKey: string, bookId: string): Promise<void>;
    setWaiting(userId: string, conversationKey: string, owner: string, state: unknown): Promise<void>;
  };
  clock: Clock;
  /** Due cards for `what: "review"` schedules; absent: those send nothing. */
  review?: ReviewService;
  /** Today's highlight cards, mixed into the review digest; absent: scheduled cards only. */
  highlightReview?: HighlightReview;
  /** Counts the messages queued (Prometheus). */
  sent: { inc(n?: number): void };
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
 * bare "142" mean the book asked about, the outbox rows and their send jobs) are one unit of work,
 * committed together with those of other reminders handled at the same time: all of a reminder's writes or none.
 */
export function reminderHandler(deps: ReminderJobDeps): JobHandler<typeof remindersSend.payload> {
  return async ({ scheduleId, slot }) => {
    const row = await deps.repo.anyById(scheduleId);
    if (!row || superseded(row, slot, deps.clock.now())) return;
    const owner = await deps.users.actor(row.owner_id);
    if (!owner) return;
    if (row.what === "review") return sendDigest(deps, row, owner, `reminder:${scheduleId}:${slot}`);
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
    const queued = await deps.uow.grouped(async () => {
      // A bare "142" in reply then means this book, on every channel the prompt goes to.
      if (only)
        for (const link of links)
          await deps.text.rememberBook(row.owner_id, `${link.kind}:${link.address}`, only);
      return (await deps.outbox.enqueueMany(messages)).filter((id) => id !== null).length;
    });
    deps.sent.inc(queued);
  };
}

/**
 * The review digest: the first card due today in the owner's zone, how many are due and how to answer,
 * sent like the page prompt (same key per schedule, slot and channel); each conversation it goes to holds
 * the review session, so `3` in reply grades that card and shows the next. Nothing due: nothing sent.
 */
async function sendDigest(deps: ReminderJobDeps, row: ScheduleRow, owner: Actor, key: string) {
  const review = deps.review;
  if (!review) return;
  const digest = await reviewDigest(
    { review, ...(deps.highlightReview ? { highlights: deps.highlightReview } : {}) },
    owner,
  );
  const session = digest?.session;
  if (!digest || !session) return;
  const kinds = row.channels ? (JSON.parse(row.channels) as ChannelKind[]) : null;
  const links = (await deps.links.linksOf(row.owner_id)).filter((l) => !kinds || kinds.includes(l.kind));
  const sent = await deps.uow.grouped(async () => {
    for (const link of links)
      await deps.text.setWaiting(row.owner_id, `${link.kind}:${link.address}`, REVIEW_SESSION, session);
    let n = 0;
    for (const kind of kinds ?? [undefined])
      n += (
        await deps.channels.notify(row.owner_id, digest.text, {
          idempotencyKey: key,
          ...(kind ? { kind } : {}),
        })
      ).length;
    return n;
  });
  deps.sent.inc(sent);
}
