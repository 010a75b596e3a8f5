import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { inject } from "vitest";
import { MemoryPubSub } from "../../src/platform/pubsub/memory-pubsub.js";
import type { PubSub } from "../../src/platform/pubsub/pubsub.js";
import { RedisPubSub } from "../../src/platform/pubsub/redis-pubsub.js";
import { pubsubContract } from "./pubsub.contract.js";

const redisUrl = inject("redisUrl");

/** Tracks the clients opened on one bus and closes them at the end. */
function tracked(open: () => PubSub) {
  const opened: PubSub[] = [];
  return {
    open() {
      const ps = open();
      opened.push(ps);
      return ps;
    },
    async dispose() {
      await Promise.all(opened.map((ps) => ps.close()));
    },
  };
}

pubsubContract({
  name: "memory",
  newBus: async () => {
    const bus = new EventEmitter().setMaxListeners(0);
    return tracked(() => new MemoryPubSub(bus));
  },
});

if (redisUrl) {
  pubsubContract({
    name: "redis",
    newBus: async () => {
      const prefix = `rltest_${process.pid}_${randomBytes(4).toString("hex")}`;
      return tracked(() => new RedisPubSub({ url: redisUrl, prefix }));
    },
  });
}
