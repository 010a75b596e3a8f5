// A worker for worker-pool.test.ts: echoes, fails, holds memory until its heap cap kills it, or reports its thread.
import { threadId } from "node:worker_threads";
import { serveWorker } from "./worker-pool.js";

type Task =
  | { kind: "echo"; value: string }
  | { kind: "fail" }
  | { kind: "hog" }
  | { kind: "thread"; ms: number };

serveWorker<Task, unknown>(async (task) => {
  if (task.kind === "echo") return task.value.toUpperCase();
  if (task.kind === "fail") throw new Error("the task said no");
  if (task.kind === "thread") {
    await new Promise((r) => setTimeout(r, task.ms));
    return threadId;
  }
  const hold: string[][] = [];
  for (;;) hold.push(Array.from({ length: 100_000 }, (_, i) => `${i}-${hold.length}`));
});
