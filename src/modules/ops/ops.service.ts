import type { Actor } from "../../platform/access/actor.js";
import type { AccessControl } from "../../platform/access/policy.js";
import { notFound } from "../../platform/errors.js";
import type { DeadJob, Queue, QueueCounts } from "../../platform/queue/queue.js";

/** Operations on the job queue, for administrators (jobs belong to the server: see adminPolicy). */
export class OpsService {
  constructor(private readonly d: { queue: Queue; access: AccessControl }) {}

  counts(by: Actor): Promise<QueueCounts> {
    this.d.access.requireAdmin(by);
    return this.d.queue.counts();
  }

  listDead(by: Actor, limit: number): Promise<DeadJob[]> {
    this.d.access.requireAdmin(by);
    return this.d.queue.listDead({ limit });
  }

  async retryDead(by: Actor, id: string): Promise<void> {
    await this.d.access.require(by, "job.retry", id);
    if (!(await this.d.queue.retryDead(id))) throw notFound("Dead job");
  }

  async discardDead(by: Actor, id: string): Promise<void> {
    await this.d.access.require(by, "job.discard", id);
    if (!(await this.d.queue.discardDead(id))) throw notFound("Dead job");
  }
}
