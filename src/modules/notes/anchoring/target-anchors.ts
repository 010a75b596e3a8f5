import type { Clock } from "../../../platform/clock.js";
import type { UnitOfWork } from "../../../platform/db/unit-of-work.js";
import type { DomainEvent } from "../../../platform/events/event.js";
import type { EventSubscriber } from "../../../platform/events/event-relay.js";
import type { HighlightsService } from "../highlights.service.js";
import type { NotesRepo } from "../notes.repo.js";
import type { HighlightLocation } from "./highlight-location.js";
import { quoteSelector, reanchor } from "./reanchor.js";

/**
 * The current text of a target (e.g. a saved article), in the same terms its highlights' quote and position
 * selectors were made in, or null when the owner has no such target or it has no text (yet).
 */
export type TargetText = (ownerId: string, targetId: string) => Promise<string | null>;

/** What re-anchoring one target's highlights did. */
export interface ReanchorSummary {
  /** Still where they were. */
  unchanged: number;
  /** Found at another place (or with changed wording) and moved there. */
  moved: number;
  /** Not found, or not told apart from another passage: marked as orphans. */
  orphaned: number;
}

/**
 * Keeps highlights on other modules' objects (articles) attached to the right words when the object's text
 * changes: the module owning the object registers how to read its text (`register`), and says when it
 * changed by an event that names the target in its aggregate id (`subscriber`); every highlight with a
 * quote selector is then found again (`reanchor`: position, exact text, then a close approximate match
 * vouched for by its context), moved to where it is now, or marked as an orphan — never attached to other
 * text. Orphans keep their selectors and are tried again on the next change.
 */
export class TargetAnchors {
  private readonly texts = new Map<string, TargetText>();

  constructor(
    private readonly d: { uow: UnitOfWork; clock: Clock; repo: NotesRepo; highlights: HighlightsService },
  ) {}

  /** How to read the current text of targets of `targetType` (called by the module that owns them). */
  register(targetType: string, text: TargetText): void {
    if (this.texts.has(targetType)) throw new Error(`target text for "${targetType}" registered twice`);
    this.texts.set(targetType, text);
  }

  /** Re-anchors the owner's highlights on one target against its current text. */
  async reanchorTarget(ownerId: string, targetType: string, targetId: string): Promise<ReanchorSummary> {
    const summary: ReanchorSummary = { unchanged: 0, moved: 0, orphaned: 0 };
    const source = this.texts.get(targetType);
    if (!source) return summary;
    const highlights = await this.d.repo.highlightsOnTarget(ownerId, targetType, targetId);
    if (highlights.length === 0) return summary;
    const text = await source(ownerId, targetId);
    if (text === null) return summary;
    const at = this.d.clock.now().toISOString();
    await this.d.uow.transaction(async () => {
      for (const h of highlights) {
        const loc = JSON.parse(h.location) as HighlightLocation;
        const quote = loc.quote ?? { exact: h.text };
        const found = reanchor(text, quote, loc.position);
        if (found.status === "orphan") {
          if (loc.orphan?.reason === found.reason) {
            summary.orphaned++;
            continue;
          }
          await this.d.highlights.apply(
            h,
            { location: { ...loc, orphan: { reason: found.reason, at } } },
            at,
          );
          summary.orphaned++;
          continue;
        }
        const { orphan: _was, ...rest } = loc;
        const next: HighlightLocation = {
          ...rest,
          quote: quoteSelector(text, found.start, found.end),
          position: { start: found.start, end: found.end },
        };
        if (JSON.stringify(next) === JSON.stringify(loc)) {
          summary.unchanged++;
          continue;
        }
        // A quote found with changed wording takes the article's words (the earlier ones go to its history).
        const wording = found.exact.trim();
        await this.d.highlights.apply(
          h,
          wording !== h.text && wording !== "" ? { location: next, text: wording } : { location: next },
          at,
        );
        summary.moved++;
      }
    });
    return summary;
  }

  /**
   * A durable subscriber re-anchoring a target's highlights when `event` says its text changed. The event's
   * aggregate id is the target's id, its owner the highlights' owner; `changed(payload)` says whether the
   * text changed (e.g. an article that became readable). Found by event name: notes does not import the
   * module that records it.
   */
  subscriber(o: {
    name: string;
    event: string;
    targetType: string;
    changed: (payload: unknown) => boolean;
  }): EventSubscriber {
    return {
      name: o.name,
      events: [o.event],
      handle: async (e: DomainEvent) => {
        if (!e.ownerId || !o.changed(e.payload)) return;
        await this.reanchorTarget(e.ownerId, o.targetType, e.aggregateId);
      },
    };
  }
}
