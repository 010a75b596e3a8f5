import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArticleSite } from "../../../test/fakes/article-site.js";
import { FakeTelegramApi, TelegramWebhookSender, TG } from "../../../test/fakes/telegram.js";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { ENGINES } from "../../../test/support/engines.js";
import { testConfig } from "../../config.js";

const ARTICLE = `<!doctype html><html lang="en"><head><title>A Chat Article</title></head><body><article>
<h1>A Chat Article</h1>${"<p>Words to read on the train, one after the other, until the stop comes and the article ends.</p>".repeat(40)}
</article></body></html>`;

describe.each(ENGINES)("a link sent over Telegram (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  let telegram: FakeTelegramApi;
  let tg: TelegramWebhookSender;
  let site: ArticleSite;

  beforeAll(async () => {
    telegram = await new FakeTelegramApi().start();
    site = await new ArticleSite([{ path: "/chat", body: Buffer.from(ARTICLE) }]).start();
    ({ t, admin } = await appWithAdmin(engine, {
      telegram: { apiUrl: telegram.url, botToken: TG.botToken, webhookSecret: TG.webhookSecret },
      fetch: { ...testConfig().fetch, allowHosts: [`127.0.0.1:${new URL(site.url).port}`] },
    }));
    tg = new TelegramWebhookSender(
      async (url, payload, headers) => {
        const r = await t.app.inject({ method: "POST", url, payload, headers });
        return { status: r.statusCode, body: r.body };
      },
      () => t.clock.now(),
    );
  });
  afterAll(async () => {
    await t?.close();
    await telegram?.stop();
    await site?.stop();
  });

  it("is saved, answered at once, and the chat is told when it is readable", async () => {
    const c = await newUser(t, { admin });
    const chatId = 4242;
    const code = (
      await c.request({ method: "POST", url: "/api/channels", payload: { kind: "telegram" } })
    ).json();
    await tg.send(tg.update(chatId, code.send));
    await t.settle();
    const before = telegram.sends.length;
    expect((await tg.send(tg.update(chatId, `${site.url}/chat?utm_source=tg`))).status).toBe(200);
    await t.settle();
    const texts = telegram.sends.slice(before).map((s) => s.text);
    expect(texts[0]).toBe(`Saved for later: ${site.url}/chat?utm_source=tg`);
    expect(texts[1]).toMatch(/^Saved: A Chat Article — \d+ min read$/);
    expect(texts).toHaveLength(2);
    // Re-extracting does not tell the chat again.
    const { items } = (await c.request({ method: "GET", url: "/api/links" })).json();
    expect(items[0]).toMatchObject({ status: "ready", source: "telegram" });
    await c.request({ method: "POST", url: `/api/links/${items[0].id}/refetch`, payload: {} });
    await t.settle();
    expect(telegram.sends.length).toBe(before + 2);
  });
});
