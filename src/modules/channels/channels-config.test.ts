import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../config.js";

const WA = {
  WHATSAPP_PHONE_NUMBER_ID: "1148000001",
  WHATSAPP_ACCESS_TOKEN: "EAA-token",
  WHATSAPP_APP_SECRET: "secret",
  WHATSAPP_VERIFY_TOKEN: "verify",
};

describe("channel configuration", () => {
  it("leaves both channels off when their variables are empty", () => {
    const c = loadConfig({});
    expect(c.whatsapp).toBeNull();
    expect(c.telegram).toBeNull();
  });

  it("turns WhatsApp on with all four secrets, with defaults for the rest", () => {
    expect(loadConfig(WA).whatsapp).toEqual({
      graphUrl: "https://graph.facebook.com",
      apiVersion: "v21.0",
      phoneNumberId: "1148000001",
      accessToken: "EAA-token",
      appSecret: "secret",
      verifyToken: "verify",
      template: { name: "readlog_message", language: "en_US" },
    });
  });

  it("refuses a partial WhatsApp configuration, naming what is missing", () => {
    const { WHATSAPP_APP_SECRET: _, ...partial } = WA;
    expect(() => loadConfig(partial)).toThrow(ConfigError);
    expect(() => loadConfig(partial)).toThrow(/^WHATSAPP_APP_SECRET: must be set too/);
  });

  it("refuses a partial Telegram configuration and a malformed secret, without echoing secrets", () => {
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: "123:abc" })).toThrow(
      /TELEGRAM_WEBHOOK_SECRET: must be set too/,
    );
    const bad = () => loadConfig({ TELEGRAM_BOT_TOKEN: "123:abc", TELEGRAM_WEBHOOK_SECRET: "short!" });
    expect(bad).toThrow(/TELEGRAM_WEBHOOK_SECRET: must be 16–256 characters/);
    expect(bad).not.toThrow(/short!/);
    expect(
      loadConfig({ TELEGRAM_BOT_TOKEN: "123:abc", TELEGRAM_WEBHOOK_SECRET: "a_long_enough_secret" }).telegram,
    ).toEqual({
      apiUrl: "https://api.telegram.org",
      botToken: "123:abc",
      webhookSecret: "a_long_enough_secret",
    });
  });

  it("checks the template and URLs", () => {
    expect(() => loadConfig({ ...WA, WHATSAPP_TEMPLATE: "Bad Name" })).toThrow(
      /WHATSAPP_TEMPLATE: must be name:language/,
    );
    expect(() => loadConfig({ ...WA, WHATSAPP_GRAPH_URL: "ftp://x" })).toThrow(
      /WHATSAPP_GRAPH_URL: must be an http/,
    );
  });
});
