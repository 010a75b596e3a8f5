import { ownedPolicy } from "../../platform/access/owned-policy.js";
import type { Channels, TelegramConfig, WhatsAppConfig } from "../../platform/channels/channel.js";
import { TelegramChannel } from "../../platform/channels/telegram.js";
import { WhatsAppCloudChannel } from "../../platform/channels/whatsapp-cloud.js";
import { bindJob, defineModule } from "../../platform/module/module.js";
import type { TextService } from "../text/text.service.js";
import { ChannelsRepo } from "./channels.repo.js";
import { channelsRoutes } from "./channels.routes.js";
import { ChannelsService } from "./channels.service.js";
import { InboundService } from "./inbound.service.js";
import * as channelsMigration from "./migrations/0006-channels.js";
import * as dueIndexMigration from "./migrations/0020-messages-due-index.js";
import { channelsSend, OutboundMessages } from "./outbound.js";
import { webhooksRoutes } from "./webhooks.routes.js";

/** What the channels module reads of the configuration. */
export interface ChannelsConfig {
  whatsapp: WhatsAppConfig | null;
  telegram: TelegramConfig | null;
}

/** WhatsApp and Telegram: linking chats to accounts, webhooks in, and every outbound message (as jobs). */
export const channelsModule = defineModule({
  name: "channels",
  migrations: { "0006-channels": channelsMigration, "0020-messages-due-index": dueIndexMigration },
  create(ctx, { config, text }: { config: ChannelsConfig; text: TextService }) {
    const providers: Channels = {};
    if (config.whatsapp) providers.whatsapp = new WhatsAppCloudChannel(config.whatsapp);
    if (config.telegram) providers.telegram = new TelegramChannel(config.telegram);
    ctx.log.info({ channels: Object.keys(providers) }, "messaging channels configured");
    const channelsRepo = new ChannelsRepo(ctx.uow);
    const outbox = new OutboundMessages({
      uow: ctx.uow,
      queue: ctx.queue,
      channels: providers,
      clock: ctx.clock,
      log: ctx.log,
    });
    const channels = new ChannelsService({
      uow: ctx.uow,
      access: ctx.access,
      repo: channelsRepo,
      outbox,
      channels: providers,
      whatsapp: config.whatsapp,
      clock: ctx.clock,
    });
    const inbound = new InboundService({
      uow: ctx.uow,
      repo: channelsRepo,
      channels,
      outbox,
      text,
      clock: ctx.clock,
      log: ctx.log,
    });
    return {
      services: { channels, channelsRepo, outbox, inbound },
      routes: async (app) => {
        await app.register(channelsRoutes, { channels, repo: channelsRepo });
        await app.register(webhooksRoutes, { inbound, whatsapp: config.whatsapp, telegram: config.telegram });
      },
      jobs: [bindJob(channelsSend, (payload, jobCtx) => outbox.send(payload, jobCtx))],
      policies: [
        ownedPolicy(ctx.uow, undefined, {
          resource: "channel-link",
          label: "Channel link",
          table: "channel_links",
          shareable: false,
          actions: { "channel-link.delete": { relations: ["owner"], scope: "write" } },
        }),
      ],
    };
  },
});
