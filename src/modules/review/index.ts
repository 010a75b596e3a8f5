import { ownedPolicy } from "../../platform/access/owned-policy.js";
import type { EventOf } from "../../platform/events/event.js";
import { defineModule } from "../../platform/module/module.js";
import { readingFinished } from "../books/books.events.js";
import type { BooksRepo } from "../books/books.repo.js";
import type { UsersRepo } from "../users/users.repo.js";
import { HighlightReview } from "./highlight-review.js";
import * as review from "./migrations/0009-review.js";
import * as highlightReview from "./migrations/0021-highlight-review.js";
import { reviewCommands } from "./review.commands.js";
import { REVIEW_EXPORT } from "./review.export.js";
import { ReviewRepo } from "./review.repo.js";
import { reviewRoutes } from "./review.routes.js";
import { ReviewService } from "./review.service.js";

/**
 * Spaced repetition: review cards (one per finished book) on an FSRS schedule, graded by API or text; and
 * highlight cards drawn by weight into the daily review, answered master / soon / later (ADR 0304).
 */
export const reviewModule = defineModule({
  name: "review",
  migrations: { "0009-review": review, "0021-highlight-review": highlightReview },
  create(ctx, { users, booksRepo }: { users: UsersRepo; booksRepo: BooksRepo }) {
    const repo = new ReviewRepo(ctx.uow);
    const service = new ReviewService({ uow: ctx.uow, repo, clock: ctx.clock, access: ctx.access });
    const highlights = new HighlightReview({
      uow: ctx.uow,
      repo,
      clock: ctx.clock,
      access: ctx.access,
      review: service,
    });
    return {
      services: { review: service, highlightReview: highlights },
      textCommands: [reviewCommands(service, highlights)],
      exportTables: REVIEW_EXPORT,
      routes: async (app) => {
        await app.register(reviewRoutes, { review: service, highlights });
      },
      subscribers: [
        {
          // A finished book comes back as a card; the card is keyed by (owner, book), so a repeat is a no-op.
          name: "review-cards",
          events: [readingFinished.name],
          async handle(event) {
            const { bookId } = (event as EventOf<typeof readingFinished>).payload;
            const ownerId = event.ownerId;
            if (!ownerId) return;
            await ctx.uow.transaction(async () => {
              const [owner, book] = await Promise.all([users.byId(ownerId), booksRepo.byId(ownerId, bookId)]);
              if (!owner || !book) return;
              await service.ensureBookCard(owner, book, new Date(event.at));
            });
          },
        },
      ],
      policies: [
        ownedPolicy(ctx.uow, ctx.grants, {
          resource: "review-card",
          label: "Review card",
          table: "review_cards",
          shareable: false,
          actions: {
            "review-card.read": { relations: ["owner"], scope: "read" },
            "review-card.grade": { relations: ["owner"], scope: "write" },
            "review-card.update": { relations: ["owner"], scope: "write" },
          },
        }),
      ],
    };
  },
});
