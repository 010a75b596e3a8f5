import { ownedPolicy } from "../../platform/access/owned-policy.js";
import type { Blobs } from "../../platform/blobs/blobs.js";
import { FileBlobs } from "../../platform/blobs/file-blobs.js";
import { MemoryBlobs } from "../../platform/blobs/memory-blobs.js";
import { systemClock } from "../../platform/clock.js";
import type { Resolver } from "../../platform/fetch/resolver.js";
import { SafeFetcher } from "../../platform/fetch/safe-fetcher.js";
import type { Leases } from "../../platform/leases/leases.js";
import { RedisLeases } from "../../platform/leases/redis-leases.js";
import { SqlLeases } from "../../platform/leases/sql-leases.js";
import { bindJob, defineModule } from "../../platform/module/module.js";
import type { SearchDocument, SearchIndex } from "../../platform/search/search-index.js";
import type { ChannelsRepo } from "../channels/channels.repo.js";
import type { ChannelsService } from "../channels/channels.service.js";
import type { OutboundMessages } from "../channels/outbound.js";
import { type ArticleExtractor, inProcessExtractor, pooledExtractor } from "./extraction/extractor.js";
import { HostGate, SharedHostGate, type SiteGate } from "./host-gate.js";
import { linkImportsRoutes } from "./link-imports.routes.js";
import { LinkImports } from "./link-imports.service.js";
import { linkCommands } from "./links.commands.js";
import { LINKS_EXPORT, refetchRestored } from "./links.export.js";
import { linksFetch, linksProcess } from "./links.jobs.js";
import { LinksRepo } from "./links.repo.js";
import { linksRoutes } from "./links.routes.js";
import { LinksService } from "./links.service.js";
import { queueAdoptedLinks } from "./links-sweep.js";
import * as links from "./migrations/0015-links.js";
import { articleDocument, type LinkNotifier, LinkPipeline } from "./pipeline.js";
import { readerRoutes } from "./reader/reader.routes.js";
import { readerText } from "./reader/reader-text.js";

/** What the links module reads of the configuration. */
export interface LinksConfig {
  fetch: {
    allowHosts: string[];
    proxy: string | null;
    maxBytes: number;
    timeoutMs: number;
    resolver?: Resolver;
  };
  links: {
    blobsDir: string;
    hostConcurrency: number;
    hostDelayMs: number;
    archiveMaxBytes: number;
    extractWorkers: number;
    extractHeapMb: number;
  };
  importMaxBytes: number;
  /** With Redis (or on PostgreSQL), politeness towards a site holds across every process. */
  redisUrl: string | null;
}

/** What this module needs of the search service: a rebuild source for its kind. */
interface SearchSources {
  addSource(
    kind: string,
    source: (ownerId: string | undefined) => AsyncIterable<readonly SearchDocument[]>,
  ): void;
}

/** What this module needs of notes' highlight anchoring: to say how an article's text is read. */
interface HighlightAnchors {
  register(targetType: string, text: (ownerId: string, targetId: string) => Promise<string | null>): void;
}

/** Every readable link (of one owner, or all) as search documents, in batches, for a rebuild. */
async function* articleDocuments(repo: LinksRepo, ownerId: string | undefined) {
  let after = "";
  for (;;) {
    const rows = await repo.readable(ownerId, after, 200);
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.id;
    const tags = await repo.tagsOf(rows.map((r) => r.id));
    yield rows.map((r) => articleDocument(r, tags.get(r.id) ?? []));
  }
}

/** Restored links are fetched again this far apart. */
const RESTORE_SPACING_MS = 500;

/**
 * Saved articles: URLs saved by the API, by text and by imports, fetched through the safe Fetcher, kept
 * (compressed) in Blobs, extracted, sanitised, their images archived, indexed for search, the chat told;
 * the reader view.
 */
export const linksModule = defineModule({
  name: "links",
  migrations: { "0015-links": links },
  create(
    ctx,
    deps: {
      config: LinksConfig;
      channels: ChannelsService;
      channelsRepo: ChannelsRepo;
      outbox: OutboundMessages;
      /** The search index, when a module before this one provides it (notes). */
      searchIndex?: SearchIndex;
      /** The search service, to rebuild articles with the rest of the index (notes). */
      search?: SearchSources;
      /** Highlights on articles, re-anchored when an article is extracted again (notes). */
      highlightAnchors?: HighlightAnchors;
    },
  ) {
    const { config } = deps;
    const search = "searchIndex" in deps ? deps.searchIndex : undefined;
    const blobs: Blobs =
      config.links.blobsDir === ":memory:" ? new MemoryBlobs() : new FileBlobs(config.links.blobsDir);
    const fetcher = new SafeFetcher({
      allowHosts: config.fetch.allowHosts,
      proxy: config.fetch.proxy ?? undefined,
      maxBytes: config.fetch.maxBytes,
      timeoutMs: config.fetch.timeoutMs,
      resolver: config.fetch.resolver,
    });
    ctx.log.info(
      { blobs: config.links.blobsDir, search: search ? "on" : "off", allowHosts: config.fetch.allowHosts },
      "links pipeline configured",
    );
    const repo = new LinksRepo(ctx.uow);
    if ("search" in deps && deps.search)
      deps.search.addSource("article", (owner) => articleDocuments(repo, owner));
    if ("highlightAnchors" in deps && deps.highlightAnchors)
      deps.highlightAnchors.register("link", async (ownerId, id) => {
        const link = await repo.byId(id);
        if (link?.owner_id !== ownerId || link.status !== "ready") return null;
        const html = (await repo.content(id))?.content_html;
        return html ? readerText(html) : null;
      });
    const service = new LinksService({
      uow: ctx.uow,
      repo,
      blobs,
      queue: ctx.queue,
      clock: ctx.clock,
      access: ctx.access,
      events: ctx.events,
      search,
    });
    const notify: LinkNotifier = async (link, text) => {
      const [kind, ...rest] = (link.notify_key ?? "").split(":");
      const address = rest.join(":");
      if (kind !== "whatsapp" && kind !== "telegram") return;
      const chats = (await deps.channelsRepo.linksOf(link.owner_id, kind)).filter(
        (l) => l.address === address,
      );
      await deps.outbox.enqueueMany(
        deps.channels.messagesFor(link.owner_id, chats, text, { idempotencyKey: `link-ready:${link.id}` }),
      );
    };
    // One process on SQLite: its own gate. Several processes share Redis or PostgreSQL: leases there.
    const leases: Leases | undefined = config.redisUrl
      ? new RedisLeases({ url: config.redisUrl })
      : ctx.uow.kind === "postgres"
        ? new SqlLeases(ctx.uow, systemClock, "links.host:")
        : undefined;
    const politeness = { concurrency: config.links.hostConcurrency, delayMs: config.links.hostDelayMs };
    const shared = leases
      ? new SharedHostGate({
          ...politeness,
          leases,
          // Longer than any fetch may take (its deadline), so a slot outlives a dead holder only by this.
          holdMs: config.fetch.timeoutMs + 30_000,
          log: ctx.log,
        })
      : undefined;
    const gate: SiteGate = shared ?? new HostGate(politeness);
    // Extraction in worker threads (started on the first page, stopped when idle), or on this thread.
    const extractor: ArticleExtractor =
      config.links.extractWorkers > 0
        ? pooledExtractor({ workers: config.links.extractWorkers, heapMb: config.links.extractHeapMb })
        : inProcessExtractor();
    const pipeline = new LinkPipeline({
      uow: ctx.uow,
      repo,
      blobs,
      fetcher,
      gate,
      queue: ctx.queue,
      clock: ctx.clock,
      log: ctx.log,
      notify,
      events: ctx.events,
      search,
      archiveMaxBytes: config.links.archiveMaxBytes,
      extractor,
    });
    return {
      services: { links: service, linksRepo: repo, linkPipeline: pipeline, linkBlobs: blobs },
      textCommands: [linkCommands(service)],
      exportTables: LINKS_EXPORT,
      derivedTables: [
        refetchRestored((ids) =>
          ctx.queue
            .enqueueMany(
              linksFetch,
              ids.map((linkId, i) => ({ payload: { linkId }, opts: { delayMs: i * RESTORE_SPACING_MS } })),
            )
            .then(() => undefined),
        ),
      ],
      routes: async (app) => {
        await app.register(linksRoutes, { links: service });
        await app.register(readerRoutes, { links: service });
        await app.register(linkImportsRoutes, {
          imports: new LinkImports({ links: service, repo }),
          maxBytes: config.importMaxBytes,
        });
      },
      jobs: [
        bindJob(linksFetch, (p, job) => pipeline.fetch(p.linkId, job)),
        bindJob(linksProcess, (p, job) => pipeline.process(p.linkId, job)),
      ],
      policies: [
        ownedPolicy(ctx.uow, undefined, {
          resource: "link",
          label: "Link",
          table: "links",
          shareable: false,
          actions: {
            "link.read": { relations: ["owner"], scope: "read" },
            "link.update": { relations: ["owner"], scope: "write" },
            "link.delete": { relations: ["owner"], scope: "write" },
          },
        }),
      ],
      tasks: [
        {
          role: "worker",
          start: () => {
            void queueAdoptedLinks({ uow: ctx.uow, repo, queue: ctx.queue, log: ctx.log }).catch((err) =>
              ctx.log.error({ err }, "queueing adopted links failed"),
            );
          },
          stop: async () => {},
        },
      ],
      close: async () => {
        await extractor.close();
        await fetcher.close();
        await shared?.close();
        await leases?.close();
      },
    };
  },
});
