import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/**
 * Files that need a process of their own: they measure the process's memory, or leave state behind in
 * the process that other files would inherit.
 */
const ISOLATED = [
  "src/modules/notes/imports/kindle-clippings.test.ts",
  // BullMQ's PostgreSQL backend leaves its per-test schema as the search path of later connections made in
  // the same process: another file's fresh database would then look for a schema already dropped.
  "test/contract/queue.test.ts",
];

export default defineConfig({
  test: {
    environment: "node",
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup/network-guard.ts"],
    pool: "forks",
    // Vitest's default is one worker fewer than the CPUs: a single worker on this 2-core machine. Much of a
    // test's time is waiting (servers on loopback, child processes, the browser), so more workers than
    // cores finish the suite sooner.
    maxWorkers: Math.max(3, availableParallelism()),
    testTimeout: 20_000,
    hookTimeout: 30_000,
    reporters: ["default"],
    projects: [
      {
        extends: true,
        test: {
          name: "shared",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: ISOLATED,
          // Test files share a worker's loaded modules (each still gets its own database): loading the
          // app once per worker instead of once per file is most of the suite's start-up time.
          isolate: false,
        },
      },
      { extends: true, test: { name: "isolated", include: ISOLATED } },
    ],
  },
});
