import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, VARIABLES } from "./config.js";

describe("configuration from the environment", () => {
  it("has working defaults: SQLite in ./data, port 3000", () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.host).toBe("localhost");
    expect(c.database).toEqual({ kind: "sqlite", file: path.resolve("data/readlog.db") });
  });

  it("moves to PostgreSQL with DATABASE_URL", () => {
    expect(loadConfig({ DATABASE_URL: "postgres://u:p@db:5432/readlog" }).database).toEqual({
      kind: "postgres",
      url: "postgres://u:p@db:5432/readlog",
    });
    expect(loadConfig({ DATABASE_URL: "sqlite:///var/lib/readlog.db" }).database).toEqual({
      kind: "sqlite",
      file: "/var/lib/readlog.db",
    });
    expect(loadConfig({ DATA_DIR: "/srv/rl" }).database).toEqual({
      kind: "sqlite",
      file: "/srv/rl/readlog.db",
    });
  });

  it.each([
    [{ DATABASE_URL: "mysql://x" }, 'DATABASE_URL: unsupported scheme "mysql"'],
    [{ PORT: "abc" }, 'PORT: must be a whole number (got "abc")'],
    [{ PORT: "70000" }, 'PORT: must be between 0 and 65535 (got "70000")'],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL: must be one of"],
    [{ TRUST_PROXY: "maybe" }, 'TRUST_PROXY: must be true or false (got "maybe")'],
    [{ LOGIN_MAX_FAILURES_PER_ACCOUNT: "500" }, "LOGIN_MAX_FAILURES_PER_ACCOUNT: must be between 1 and 80"],
  ])("stops on a bad value with one line naming variable, value and rule: %o", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("documents every variable it reads", () => {
    for (const v of Object.values(VARIABLES)) {
      expect(v.doc.length, v.name).toBeGreaterThan(10);
      expect(() => v.parse(v.default), v.name).not.toThrow();
    }
  });
});
