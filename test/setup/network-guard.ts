import net from "node:net";

/**
 * Installed in every test worker (vitest `setupFiles`): a connection to anything but this machine
 * (loopback addresses, `localhost`, a Unix socket) fails at once with a clear error instead of reaching
 * the network. Tests talk to loopback fakes (test/fakes/) and to PostgreSQL/Redis on 127.0.0.1; an
 * outbound request from a test is a bug (a missing fake, a real URL in a fixture) and must not pass by
 * luck on a machine that happens to be online.
 */
export class UnexpectedNetworkError extends Error {
  constructor(target: string) {
    super(`unexpected outbound network request from a test: ${target} (use a loopback fake)`);
    this.name = "UnexpectedNetworkError";
  }
}

const LOCAL_NAMES = new Set(["localhost", "localhost.", "::1", "[::1]"]);

export function isLocalTarget(host: string | undefined): boolean {
  if (host === undefined || host === "") return true; // Node's default is localhost
  const h = host.toLowerCase();
  if (LOCAL_NAMES.has(h) || h.endsWith(".localhost")) return true;
  if (net.isIPv4(h)) return h.startsWith("127.");
  if (net.isIPv6(h)) return h === "::1" || /^::ffff:127\./.test(h);
  return false;
}

type ConnectArgs = Parameters<net.Socket["connect"]>;

interface Target {
  host?: string;
  port?: unknown;
  path?: string;
  /** A caller's own resolver (the safe fetcher pins its checked address this way): no DNS query is made. */
  lookup?: unknown;
}

function targetOf(args: unknown[]): Target {
  const [first, second] = args;
  if (typeof first === "object" && first !== null) return first as Target;
  if (typeof first === "string" && !/^\d+$/.test(first)) return { path: first };
  return { port: first, host: typeof second === "string" ? second : undefined };
}

const GUARDED = Symbol.for("readlog.test.networkGuard");
const proto = net.Socket.prototype as net.Socket & { [GUARDED]?: true };
// Test files may share a worker (isolate: false): install once.
if (!proto[GUARDED]) install();

function install() {
  proto[GUARDED] = true;
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    // Node calls connect again internally with its normalized [options, cb] array form.
    const t = targetOf(Array.isArray(args[0]) ? (args[0] as unknown[]) : args);
    const label = `${t.host ?? "localhost"}:${String(t.port)}`;
    if (typeof t.path !== "string" && !isLocalTarget(t.host)) {
      const isName = t.host !== undefined && net.isIP(t.host) === 0;
      if (!isName || typeof t.lookup !== "function") {
        process.nextTick(() => this.destroy(new UnexpectedNetworkError(label)));
        return this;
      }
      // A name resolved by the caller's own lookup: check the address it chose before connecting to it
      // (Node emits "lookup" and connects only if the socket is still connecting).
      this.once("lookup", (err: Error | null, address: string) => {
        if (!err && !isLocalTarget(address))
          this.destroy(new UnexpectedNetworkError(`${label} (${address})`));
      });
    }
    return original.apply(this, args as ConnectArgs);
  } as typeof original;
}
