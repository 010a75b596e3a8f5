/** Why a fetch failed; `FetchError.message` says it in words for the user. */
export type FetchFailure =
  | "invalid-url"
  | "scheme"
  | "credentials"
  | "port"
  | "blocked-host"
  | "blocked-address"
  | "dns"
  | "connect"
  | "timeout"
  | "too-large"
  | "too-many-redirects"
  | "redirect-loop"
  | "status"
  | "content-type"
  | "decode"
  | "aborted"
  | "network";

/** A fetch that failed, with the reason in words (`403 from the site`, `address 10.0.0.1 is private`). */
export class FetchError extends Error {
  override readonly name = "FetchError";
  constructor(
    readonly reason: FetchFailure,
    message: string,
    readonly details: {
      /** The address being fetched when it failed (after redirects). */
      url?: string;
      /** The HTTP status, for `status` failures. */
      status?: number;
      /** Whether trying again later may succeed (time-outs, 5xx, 429, connection failures). */
      retryable?: boolean;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }

  get retryable(): boolean {
    return this.details.retryable === true;
  }
  get status(): number | undefined {
    return this.details.status;
  }
  get url(): string | undefined {
    return this.details.url;
  }
}

export interface FetchRequest {
  /** GET (default) or HEAD. */
  method?: "GET" | "HEAD";
  /** Extra request headers (the user agent and accept-encoding are set by the fetcher). */
  headers?: Record<string, string>;
  /**
   * Media types the caller accepts, e.g. `["text/html", "application/xhtml+xml"]` or `["image/*"]`.
   * A response of another type fails with `content-type`. Omitted: any type.
   */
  accept?: readonly string[];
  /** Cap on the body as sent (compressed) and, separately, as decoded. Default: the fetcher's. */
  maxBytes?: number;
  /** Cap on the whole fetch, redirects and body included, in milliseconds. Default: the fetcher's. */
  timeoutMs?: number;
  /** Cancels the fetch. */
  signal?: AbortSignal;
}

export interface FetchResponse {
  /** The address that answered, after redirects. */
  url: string;
  status: number;
  /** Response headers, names lower-cased, repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The media type without parameters, lower-cased (`text/html`), if the response named one. */
  contentType: string | undefined;
  /** The `charset` parameter of Content-Type, if any. */
  charset: string | undefined;
  /** The body with its Content-Encoding (gzip, deflate, br) removed. Empty for HEAD. */
  body: Buffer;
  /** Every address redirected from, in order (empty when there was no redirect). */
  redirects: string[];
}

/**
 * The Fetcher port: every outbound HTTP request of the app goes through it. Implementations refuse
 * anything but http/https to ordinary public addresses (unless an operator allowed the host), follow
 * redirects themselves re-checking each hop, and cap time and size.
 */
export interface Fetcher {
  /** Fetches `url`; resolves for a 2xx answer, throws `FetchError` for everything else. */
  fetch(url: string | URL, request?: FetchRequest): Promise<FetchResponse>;
  /** Closes pooled connections. */
  close(): Promise<void>;
}
