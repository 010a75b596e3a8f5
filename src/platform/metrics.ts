import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Queue } from "./queue/queue.js";

/**
 * Prometheus metrics of one process, in a registry of its own (several apps in one test process never
 * collide). Scraped at GET /metrics.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: "readlog_http_requests_total",
    help: "HTTP requests answered, by method, route pattern and status code",
    labelNames: ["method", "route", "status"] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: "readlog_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by method and route pattern",
    labelNames: ["method", "route"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly jobsProcessed = new Counter({
    name: "readlog_jobs_processed_total",
    help: "Job attempts that succeeded, by job name",
    labelNames: ["job"] as const,
    registers: [this.registry],
  });
  readonly jobsFailed = new Counter({
    name: "readlog_jobs_failed_total",
    help: "Job attempts that failed (and will be retried or die), by job name",
    labelNames: ["job"] as const,
    registers: [this.registry],
  });
  readonly jobDuration = new Histogram({
    name: "readlog_job_duration_seconds",
    help: "Time one job attempt took, by job name",
    labelNames: ["job"] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
    registers: [this.registry],
  });
  /** A counter of a module's own (e.g. reminders sent), in this process's registry. */
  counter(name: string, help: string): { inc(n?: number): void } {
    return new Counter({ name, help, registers: [this.registry] });
  }

  private readonly perRoute = new Map<
    string,
    { count: { inc(): void }; time: { observe(v: number): void } }
  >();

  /**
   * Counts and times one answered request. The labelled children are kept per method, route and status,
   * so a request costs two increments instead of two label lookups (prom-client hashes labels per call).
   */
  httpAnswered(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let m = this.perRoute.get(key);
    if (!m) {
      m = {
        count: this.httpRequests.labels({ method, route, status }),
        time: this.httpDuration.labels({ method, route }),
      };
      this.perRoute.set(key, m);
    }
    m.count.inc();
    m.time.observe(seconds);
  }

  constructor(queue: Queue) {
    new Gauge({
      name: "readlog_queue_jobs",
      help: "Jobs in the queue by state (waiting, delayed, running, failed = retry pending, dead)",
      labelNames: ["state"] as const,
      registers: [this.registry],
      async collect() {
        const counts = await queue.counts();
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    });
  }

  /** Wraps every handler registered on `queue` from now on, so each attempt is counted and timed. */
  instrument(queue: Queue): void {
    const handle = queue.handle.bind(queue);
    queue.handle = (job, handler) =>
      handle(job, async (payload, ctx) => {
        const end = this.jobDuration.startTimer({ job: job.name });
        try {
          await handler(payload, ctx);
          this.jobsProcessed.inc({ job: job.name });
        } catch (err) {
          this.jobsFailed.inc({ job: job.name });
          throw err;
        } finally {
          end();
        }
      });
  }
}
