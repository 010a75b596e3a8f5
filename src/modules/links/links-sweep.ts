import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import type { ModuleLog } from "../../platform/module/module.js";
import type { Queue } from "../../platform/queue/queue.js";
import { linksFetch } from "./links.jobs.js";
import type { LinksRepo } from "./links.repo.js";

const BATCH = 200;
/** Adopted links are fetched this far apart. */
const SPACING_MS = 500;

/**
 * Queues the fetch of the links 0015-links adopted from the text module (saved before articles were
 * fetched), in batches, each batch one unit of work (the mark is cleared with the job queued). Returns how
 * many were queued; run by the worker role when it starts, and idempotent.
 */
export async function queueAdoptedLinks(d: {
  uow: UnitOfWork;
  repo: LinksRepo;
  queue: Queue;
  log: ModuleLog;
}): Promise<number> {
  let queued = 0;
  for (;;) {
    const batch = await d.repo.adopted(BATCH);
    if (batch.length === 0) break;
    await d.uow.transaction(async () => {
      await d.queue.enqueueMany(
        linksFetch,
        batch.map((l, i) => ({
          payload: { linkId: l.id },
          opts: { delayMs: (queued + i) * SPACING_MS, idempotencyKey: `adopted:${l.id}` },
        })),
      );
      for (const l of batch) await d.repo.update(l.id, { error_code: null });
    });
    queued += batch.length;
  }
  if (queued > 0) d.log.info({ queued }, "links saved before the pipeline queued for their fetch");
  return queued;
}
