import type { LookupAddress, LookupOptions } from "node:dns";
import type { Readable } from "node:stream";
import type { Agent, Dispatcher } from "undici";
import { AllowList, isLocalName, parseAddress, refusal } from "./address-policy.js";
import { FetchError, type Fetcher, type FetchRequest, type FetchResponse } from "./fetcher.js";
import { type ResolvedAddress, type Resolver, systemResolver } from "./resolver.js";
import { decodeBody, discard, megabytes, readCapped } from "./response-body.js";

export interface SafeFetcherOptions {
  /** DNS resolver; the system's by default. Tests pass a fake. */
  resolver?: Resolver;
  /** Operator allow-list (`FETCH_ALLOW_HOSTS`): hosts and ranges that may be private. See AllowList. */
  allowHosts?: readonly string[];
  /** Ports allowed besides 80 and 443, for every host. */
  allowPorts?: readonly number[];
  /** An HTTP proxy (`http://proxy:3128`) to send every request through; addresses are still checked. */
  proxy?: string;
  userAgent?: string;
  /** Body cap, compressed and decoded separately. Default 10 MB. */
  maxBytes?: number;
  /** Cap on the decoded body when a Content-Encoding is used. Default 5 × maxBytes. */
  maxDecodedBytes?: number;
  /** Whole fetch, redirects and body included. Default 20 s. */
  timeoutMs?: number;
  /** TCP (and TLS) connect. Default 5 s. */
  connectTimeoutMs?: number;
  /** Default 5. */
  maxRedirects?: number;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;
type Undici = typeof import("undici");

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DEFAULT_PORTS = new Set([80, 443]);
const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * The Fetcher on undici. Each hop's host is checked before any request: scheme, credentials, port,
 * local names. DNS is resolved through the injected resolver inside the connection's own `lookup`,
 * and every answer is checked there, so the socket connects to exactly the addresses that were
 * checked (no window for DNS rebinding between check and connect). Address literals, which never
 * reach a lookup, are checked up front. With a proxy, the fetcher resolves and checks the address
 * itself and asks the proxy for that address, so the proxy never resolves the name again.
 */
export class SafeFetcher implements Fetcher {
  private readonly resolver: Resolver;
  private readonly allow: AllowList;
  private readonly ports: Set<number>;
  private readonly maxBytes: number;
  private readonly maxDecoded: number;
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly maxRedirects: number;
  private readonly userAgent: string;
  private readonly proxy: string | undefined;
  // undici is loaded on first fetch: most processes (CLI clients, an idle server) never fetch.
  private agent: Promise<{ undici: Undici; agent: Agent }> | undefined;

  constructor(options: SafeFetcherOptions = {}) {
    this.resolver = options.resolver ?? systemResolver;
    this.allow = new AllowList(options.allowHosts);
    this.ports = new Set([...DEFAULT_PORTS, ...(options.allowPorts ?? [])]);
    this.maxBytes = options.maxBytes ?? 10_000_000;
    this.maxDecoded = options.maxDecodedBytes ?? this.maxBytes * 5;
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.maxRedirects = options.maxRedirects ?? 5;
    this.userAgent = options.userAgent ?? "Readlog/0.1 (self-hosted reading companion)";
    this.proxy = options.proxy;
  }

  async fetch(input: string | URL, request: FetchRequest = {}): Promise<FetchResponse> {
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    // Loading undici is local work; the deadline is for the network.
    await this.loaded();
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([deadline, request.signal]) : deadline;
    let url = this.target(String(input));
    const redirects: string[] = [];
    const seen = new Set([url.href]);
    try {
      for (;;) {
        const res = await this.send(url, request, signal);
        const location = res.headers.location;
        if (REDIRECTS.has(res.statusCode) && typeof location === "string") {
          discard(res.body);
          if (redirects.length >= this.maxRedirects) {
            throw new FetchError("too-many-redirects", `more than ${this.maxRedirects} redirects`, {
              url: url.href,
            });
          }
          const next = this.target(location, url);
          if (seen.has(next.href))
            throw new FetchError("redirect-loop", `redirect loop at ${next.href}`, { url: url.href });
          seen.add(next.href);
          redirects.push(url.href);
          url = next;
          continue;
        }
        return await this.finish(url, res, request, redirects);
      }
    } catch (err) {
      throw this.explain(err, url, deadline, timeoutMs, request.signal);
    }
  }

  async close(): Promise<void> {
    const loaded = this.agent;
    this.agent = undefined;
    if (loaded) await (await loaded).agent.close();
  }

  /** Parses and checks one address to fetch (the first, or a redirect's Location against `base`). */
  private target(raw: string, base?: URL): URL {
    let url: URL;
    try {
      url = new URL(raw, base);
    } catch {
      throw new FetchError(
        "invalid-url",
        base ? `the site redirected to an invalid address` : `not a valid URL`,
        {
          url: base?.href,
        },
      );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new FetchError("scheme", `only http and https addresses can be fetched (not ${url.protocol})`, {
        url: url.href,
      });
    }
    if (url.username || url.password) {
      throw new FetchError("credentials", "addresses with a user name or password are refused", {
        url: redactCredentials(url),
      });
    }
    const host = hostOf(url);
    const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
    if (!this.ports.has(port) && !this.allow.allowsPort(host, port)) {
      throw new FetchError(
        "port",
        `port ${port} is not allowed (only 80 and 443 unless an operator allows more)`,
        {
          url: url.href,
        },
      );
    }
    if (isLocalName(host) && !this.allow.allowsHost(host)) {
      throw new FetchError("blocked-host", `${host} is a local name`, { url: url.href });
    }
    const literal = parseAddress(host);
    if (literal) this.checkAddress(host, literal.toString(), url.href);
    url.hash = "";
    return url;
  }

  private checkAddress(host: string, address: string, url: string): void {
    const parsed = parseAddress(address);
    if (!parsed) throw new FetchError("dns", `${host} resolved to something that is not an address`, { url });
    const why = refusal(parsed);
    if (why && !this.allow.allowsHost(host) && !this.allow.allowsAddress(parsed)) {
      const of = parseAddress(host) ? "" : ` (${host})`;
      throw new FetchError("blocked-address", `${why}${of}`, { url });
    }
  }

  /** Resolves `host` and checks every answer; any refused answer refuses the host. */
  private async resolveChecked(host: string, url: string): Promise<ResolvedAddress[]> {
    const literal = parseAddress(host);
    if (literal) {
      this.checkAddress(host, literal.toString(), url);
      return [{ address: literal.toString(), family: literal.kind() === "ipv6" ? 6 : 4 }];
    }
    let answers: ResolvedAddress[];
    try {
      answers = await this.resolver(host);
    } catch (err) {
      const code = typeof err === "object" && err && "code" in err ? String(err.code) : "";
      const words = code === "ENOTFOUND" || code === "ENODATA" ? "no such site" : "DNS lookup failed";
      throw new FetchError("dns", `${words}: ${host}`, { url, retryable: code !== "ENOTFOUND", cause: err });
    }
    if (answers.length === 0) throw new FetchError("dns", `no such site: ${host}`, { url });
    for (const a of answers) this.checkAddress(host, a.address, url);
    return answers;
  }

  private async loaded(): Promise<{ undici: Undici; agent: Agent }> {
    this.agent ??= import("undici").then((undici) => ({
      undici,
      agent: new undici.Agent({
        connect: { timeout: this.connectTimeoutMs, lookup: this.lookup },
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        keepAliveTimeout: 4_000,
        connections: 8,
      }),
    }));
    return this.agent;
  }

  /** net.connect's lookup: resolve, check every answer, hand back only checked addresses. */
  private readonly lookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    const host = hostname.toLowerCase().replace(/\.$/, "");
    this.resolveChecked(host, `//${host}`).then(
      (answers) => {
        const wanted =
          options.family === 4 || options.family === 6
            ? answers.filter((a) => a.family === options.family)
            : answers;
        if (wanted.length === 0) {
          callback(
            Object.assign(new Error(`no IPv${options.family} address for ${host}`), { code: "ENOTFOUND" }),
            "",
          );
          return;
        }
        if (options.all) callback(null, wanted);
        else callback(null, wanted[0]?.address ?? "", wanted[0]?.family);
      },
      (err: Error) => callback(err, ""),
    );
  };

  private async send(url: URL, request: FetchRequest, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    const { undici, agent } = await this.loaded();
    const headers: Record<string, string> = {
      "user-agent": this.userAgent,
      accept: request.accept?.length ? `${request.accept.join(", ")};q=1, */*;q=0.1` : "*/*",
      "accept-encoding": "gzip, deflate, br",
      ...request.headers,
    };
    const method = request.method ?? "GET";
    if (!this.proxy) return undici.request(url, { dispatcher: agent, method, headers, signal });
    // Through a proxy: resolve and check here, then ask the proxy for the checked address (CONNECT
    // to ip:port), sending the real name in Host and in TLS SNI. The proxy never resolves the name.
    const host = hostOf(url);
    const [first] = await this.resolveChecked(host, url.href);
    if (!first) throw new FetchError("dns", `no such site: ${host}`, { url: url.href });
    const pinned = new URL(url);
    pinned.hostname = first.family === 6 ? `[${first.address}]` : first.address;
    const dispatcher = new undici.ProxyAgent({
      uri: this.proxy,
      proxyTunnel: true,
      requestTls: parseAddress(host) ? {} : { servername: host },
      connect: { timeout: this.connectTimeoutMs },
    });
    const res = await undici.request(pinned, {
      dispatcher,
      method,
      headers: { ...headers, host: url.host },
      signal,
    });
    res.body.once("close", () => void dispatcher.close());
    return res;
  }

  private async finish(
    url: URL,
    res: Dispatcher.ResponseData,
    request: FetchRequest,
    redirects: string[],
  ): Promise<FetchResponse> {
    const body: Readable = res.body;
    const status = res.statusCode;
    const headers = flatten(res.headers);
    if (status < 200 || status >= 300) {
      discard(body);
      const retryable = status >= 500 || status === 429 || status === 408;
      throw new FetchError("status", `${status} from the site`, { url: url.href, status, retryable });
    }
    const [mime, ...params] = (headers["content-type"] ?? "").split(";");
    const contentType = mime?.trim().toLowerCase() || undefined;
    const charset = params
      .map((p) => p.trim().match(/^charset\s*=\s*"?([^";]+)"?$/i)?.[1])
      .find((c): c is string => c !== undefined);
    if (request.accept?.length && !accepts(request.accept, contentType)) {
      discard(body);
      throw new FetchError(
        "content-type",
        `content type ${contentType ?? "(none)"} is not accepted (wanted ${request.accept.join(", ")})`,
        {
          url: url.href,
        },
      );
    }
    const max = request.maxBytes ?? this.maxBytes;
    const declared = Number(headers["content-length"]);
    if (Number.isFinite(declared) && declared > max) {
      discard(body);
      throw new FetchError("too-large", `too large (${megabytes(declared)}, over ${megabytes(max)})`, {
        url: url.href,
      });
    }
    const raw = request.method === "HEAD" ? Buffer.alloc(0) : await readCapped(body, max, url.href);
    const maxDecoded = request.maxBytes ? request.maxBytes * 5 : this.maxDecoded;
    const decoded = await decodeBody(raw, headers["content-encoding"], maxDecoded, url.href);
    return { url: url.href, status, headers, contentType, charset, body: decoded, redirects };
  }

  /** Turns whatever undici or the network threw into a FetchError with a reason in words. */
  private explain(
    err: unknown,
    url: URL,
    deadline: AbortSignal,
    timeoutMs: number,
    caller?: AbortSignal,
  ): FetchError {
    const own = findFetchError(err);
    if (own) return own;
    if (caller?.aborted)
      return new FetchError("aborted", "the fetch was cancelled", { url: url.href, cause: err });
    if (deadline.aborted)
      return new FetchError("timeout", `timed out after ${seconds(timeoutMs)}`, {
        url: url.href,
        retryable: true,
        cause: err,
      });
    const code = errorCode(err);
    const host = hostOf(url);
    switch (code) {
      case "UND_ERR_CONNECT_TIMEOUT":
        return new FetchError(
          "timeout",
          `could not connect to ${host} within ${seconds(this.connectTimeoutMs)}`,
          { url: url.href, retryable: true, cause: err },
        );
      case "UND_ERR_HEADERS_TIMEOUT":
      case "UND_ERR_BODY_TIMEOUT":
        return new FetchError("timeout", `timed out after ${seconds(timeoutMs)}`, {
          url: url.href,
          retryable: true,
          cause: err,
        });
      case "ECONNREFUSED":
        return new FetchError("connect", `${host} refused the connection`, {
          url: url.href,
          retryable: true,
          cause: err,
        });
      case "ECONNRESET":
      case "UND_ERR_SOCKET":
        return new FetchError("connect", `${host} closed the connection`, {
          url: url.href,
          retryable: true,
          cause: err,
        });
      case "ENOTFOUND":
        return new FetchError("dns", `no such site: ${host}`, { url: url.href, cause: err });
      case "ABORT_ERR":
      case "UND_ERR_ABORTED":
        return new FetchError("aborted", "the fetch was cancelled", { url: url.href, cause: err });
      default:
        if (code.startsWith("ERR_TLS") || code.includes("CERT")) {
          return new FetchError("connect", `${host}'s certificate could not be verified (${code})`, {
            url: url.href,
            cause: err,
          });
        }
        return new FetchError(
          "network",
          `could not fetch ${host}: ${err instanceof Error ? err.message : String(err)}`,
          {
            url: url.href,
            retryable: true,
            cause: err,
          },
        );
    }
  }
}

/** A URL host as compared against allow-lists: lower-case, no trailing dot, IPv6 brackets kept. */
function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/\.$/, "");
}

function redactCredentials(url: URL): string {
  const copy = new URL(url);
  copy.username = "";
  copy.password = "";
  return copy.href;
}

function flatten(headers: Dispatcher.ResponseData["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

/** Whether `type` matches one of `accepted` (`text/html`, `image/*`, `*\/*`). */
function accepts(accepted: readonly string[], type: string | undefined): boolean {
  if (!type) return false;
  return accepted.some((a) => {
    const want = a.toLowerCase();
    if (want === "*/*") return true;
    if (want.endsWith("/*")) return type.startsWith(want.slice(0, -1));
    return type === want;
  });
}

function findFetchError(err: unknown): FetchError | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (e instanceof FetchError) return e;
    e = typeof e === "object" && "cause" in e ? e.cause : undefined;
  }
  return undefined;
}

function errorCode(err: unknown): string {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (typeof e === "object" && "code" in e && typeof e.code === "string") return e.code;
    e = typeof e === "object" && "cause" in e ? e.cause : undefined;
  }
  return "";
}
