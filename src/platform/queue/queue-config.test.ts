import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../config.js";

describe("REDIS_URL", () => {
  it("is off by default: jobs stay in the database", () => {
    expect(loadConfig({}).redisUrl).toBeNull();
    expect(loadConfig({ REDIS_URL: "" }).redisUrl).toBeNull();
  });

  it("accepts redis:// and rediss:// URLs", () => {
    expect(loadConfig({ REDIS_URL: "redis://localhost:6379" }).redisUrl).toBe("redis://localhost:6379");
    expect(loadConfig({ REDIS_URL: "rediss://:pw@cache.example:6380/2" }).redisUrl).toBe(
      "rediss://:pw@cache.example:6380/2",
    );
  });

  it("refuses other schemes, naming the variable, the value and the rule, without echoing credentials", () => {
    expect(() => loadConfig({ REDIS_URL: "http://localhost:6379" })).toThrow(ConfigError);
    expect(() => loadConfig({ REDIS_URL: "http://localhost:6379" })).toThrow(
      'REDIS_URL: must start with redis:// or rediss://, or be empty to keep jobs in the database (got "http://localhost:6379")',
    );
    expect(() => loadConfig({ REDIS_URL: "localhost:6379" })).toThrow(
      /REDIS_URL: must start with redis:\/\//,
    );
    let message = "";
    try {
      loadConfig({ REDIS_URL: "memcached://user:secret@host" });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain("(credentials hidden)");
    expect(message).not.toContain("secret");
  });

  it("refuses a redis URL without a host", () => {
    expect(() => loadConfig({ REDIS_URL: "redis://" })).toThrow(/REDIS_URL: is not a valid URL with a host/);
  });
});
