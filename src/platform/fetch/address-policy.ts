import ipaddr from "ipaddr.js";

// Which addresses an outbound fetch may reach. Only ordinary public unicast: ipaddr.js names every
// special-purpose range (IANA's IPv4 and IPv6 special registries), and anything it does not call
// "unicast" is refused. A few ranges it leaves as "unicast" are refused too: ::/96 (IPv4-compatible
// IPv6, deprecated, still routes to the IPv4 address on some stacks).

type Address = ipaddr.IPv4 | ipaddr.IPv6;

const WORDS: Record<string, string> = {
  loopback: "loopback",
  private: "private",
  uniqueLocal: "private (unique local)",
  linkLocal: "link-local (includes cloud metadata services)",
  carrierGradeNat: "carrier-grade NAT (shared address space)",
  multicast: "multicast",
  unspecified: "unspecified",
  broadcast: "broadcast",
  reserved: "reserved",
  benchmarking: "reserved for benchmarking",
  amt: "reserved (AMT)",
  as112: "reserved (AS112)",
  as112v6: "reserved (AS112)",
  deprecated: "reserved (deprecated)",
  deprecatedSiteLocal: "site-local (deprecated)",
  deprecatedOrchid: "reserved (ORCHID)",
  orchid2: "reserved (ORCHIDv2)",
  droneRemoteIdProtocolEntityTags: "reserved (DRIP)",
  discard: "a discard-only prefix",
  ipv4Mapped: "an IPv4-mapped IPv6 address",
  rfc6145: "an IPv4-translated IPv6 address",
  rfc6052: "a NAT64 (IPv4-embedded) address",
  "6to4": "a 6to4 address",
  teredo: "a Teredo address",
};

const IPV4_COMPATIBLE = ipaddr.parseCIDR("::/96");

/** Parses an address literal as URL hosts write it (`[::1]` brackets allowed); undefined if not one. */
export function parseAddress(host: string): Address | undefined {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  // The WHATWG URL parser has already turned 2130706433, 0x7f000001, 0177.0.0.1 and 127.1 into
  // dotted quads; only strict forms are accepted here so no other spelling slips through.
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  if (bare.includes(":") && ipaddr.IPv6.isValid(bare)) return ipaddr.IPv6.parse(bare);
  return undefined;
}

/** Why `address` may not be fetched, in words; undefined when it is ordinary public unicast. */
export function refusal(address: Address): string | undefined {
  const range = address.range();
  const shown = address.toString();
  if (range !== "unicast") {
    const words = WORDS[range] ?? `special-purpose (${range})`;
    if (address.kind() === "ipv6") {
      const v6 = address as ipaddr.IPv6;
      if (v6.isIPv4MappedAddress()) return `address ${shown} is ${words} of ${v6.toIPv4Address().toString()}`;
    }
    return `address ${shown} is ${words}`;
  }
  if (address.kind() === "ipv6" && address.match(IPV4_COMPATIBLE)) {
    return `address ${shown} is an IPv4-compatible IPv6 address (deprecated)`;
  }
  return undefined;
}

/** One operator allow-list entry: a host name (optionally `*.` wildcard, optionally `:port`) or a CIDR. */
type AllowEntry =
  | { kind: "host"; host: string; wildcard: boolean; port: number | undefined }
  | { kind: "cidr"; range: [Address, number] };

/**
 * The operator's allow-list (`FETCH_ALLOW_HOSTS`): hosts inside the network that may be fetched even
 * though they resolve to private addresses (a LAN wiki), and ranges of such addresses.
 * Entries: `wiki.lan`, `wiki.lan:8080` (that port too), `*.corp.example`, `10.1.0.0/16`, `fd00::/8`,
 * `127.0.0.1:3000`.
 */
export class AllowList {
  private readonly entries: AllowEntry[];

  constructor(entries: readonly string[] = []) {
    this.entries = entries.map(parseEntry);
  }

  get size(): number {
    return this.entries.length;
  }

  /** Whether a host name (lower-case, no trailing dot) is allowed to reach private addresses. */
  allowsHost(host: string): boolean {
    return this.entries.some(
      (e) => e.kind === "host" && (e.wildcard ? host.endsWith(`.${e.host}`) : host === e.host),
    );
  }

  /** Whether a port is allowed for this host by a `host:port` entry. */
  allowsPort(host: string, port: number): boolean {
    return this.entries.some(
      (e) =>
        e.kind === "host" && e.port === port && (e.wildcard ? host.endsWith(`.${e.host}`) : host === e.host),
    );
  }

  /** Whether an address lies in an allowed range. */
  allowsAddress(address: Address): boolean {
    return this.entries.some((e) => {
      if (e.kind !== "cidr") return false;
      const [net] = e.range;
      const a = net.kind() === address.kind() ? address : convert(address);
      return a !== undefined && a.kind() === net.kind() && a.match(e.range);
    });
  }
}

function convert(a: Address): Address | undefined {
  if (a.kind() === "ipv6") {
    const v6 = a as ipaddr.IPv6;
    return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : undefined;
  }
  return (a as ipaddr.IPv4).toIPv4MappedAddress();
}

function parseEntry(raw: string): AllowEntry {
  const entry = raw.trim().toLowerCase();
  if (entry.includes("/")) {
    try {
      return { kind: "cidr", range: ipaddr.parseCIDR(entry) };
    } catch {
      throw new Error(`fetch allow-list: "${raw}" is not a valid address range`);
    }
  }
  let host = entry;
  let port: number | undefined;
  const m = entry.match(/^(\[[^\]]+\]|[^:]+):(\d+)$/);
  if (m?.[1] && m[2]) {
    host = m[1];
    port = Number(m[2]);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new Error(`fetch allow-list: bad port in "${raw}"`);
  }
  const wildcard = host.startsWith("*.");
  if (wildcard) host = host.slice(2);
  host = host.replace(/\.$/, "");
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)$/.test(host))
    throw new Error(`fetch allow-list: "${raw}" is not a host name`);
  return { kind: "host", host, wildcard, port };
}

/** Names that always mean this machine or its link (RFC 6761, mDNS), refused before any DNS query. */
export function isLocalName(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || host === "local";
}
