import pg from "pg";
import type { TestProject } from "vitest/node";
import { buildCliForTests } from "./support/cli-build.js";

declare module "vitest" {
  export interface ProvidedContext {
    pgUrl: string | null;
    redisUrl: string | null;
  }
}

/**
 * When TEST_DATABASE_URL is set, creates a fresh PostgreSQL database for this run (dropped at the end);
 * every test app then gets its own schema inside it. Otherwise the PostgreSQL suites skip, said once.
 * Builds the JavaScript copy of the CLI the CLI suites spawn (test/support/cli-build.ts).
 */
export default async function setup(project: TestProject) {
  await buildCliForTests();
  const base = process.env.TEST_DATABASE_URL;
  project.provide("redisUrl", process.env.TEST_REDIS_URL ?? null);
  if (!process.env.TEST_REDIS_URL) console.log("[readlog] Redis suites skipped: TEST_REDIS_URL is not set");
  if (!base) {
    console.log("[readlog] PostgreSQL suites skipped: TEST_DATABASE_URL is not set");
    project.provide("pgUrl", null);
    return;
  }
  const name = `readlog_test_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  project.provide("pgUrl", url.toString());
  return async () => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
}
