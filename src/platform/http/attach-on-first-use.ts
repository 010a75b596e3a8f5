import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

interface Log {
  error(obj: object, msg: string): void;
}

/**
 * Attaches what serves some paths of an HTTP server (Socket.IO, a WebSocket server) on the first request
 * or upgrade to one of them rather than at start, so that a process nobody connects to never loads it
 * (Socket.IO and Hocuspocus with Yjs are ~9 MB of idle RSS). Until then the server's own listeners get
 * every other request; the first one to a matching path (and those that arrive while `attach` runs) is
 * held, then emitted again once `attach` has added its listeners, which serve it. `attach` must add a
 * listener that handles the path's upgrades (and, with `requests`, its plain requests, as Socket.IO's
 * polling transport does, ahead of the others). If it fails, the held ones are refused (503, or the
 * upgrade's socket destroyed) and the next one tries again.
 */
export function attachOnFirstUse(
  server: Server,
  opts: {
    matches: (path: string) => boolean;
    attach: () => Promise<void>;
    /** Whether plain requests to the paths need it too (Socket.IO's long polling), not only upgrades. */
    requests?: boolean;
    log?: Log;
  },
): { readonly attached: boolean } {
  let attached = false;
  let attaching: Promise<void> | undefined;
  const load = () => {
    attaching ??= opts.attach().then(
      () => {
        attached = true;
      },
      (err: unknown) => {
        attaching = undefined;
        opts.log?.error({ err }, "could not attach on first use");
        throw err;
      },
    );
    return attaching;
  };
  const pathOf = (req: IncomingMessage) => (req.url ?? "/").split("?")[0] as string;

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (attached || !opts.matches(pathOf(req))) return;
    load().then(
      () => server.emit("upgrade", req, socket, head),
      () => socket.destroy(),
    );
  });

  if (opts.requests) {
    // In front of the server's own request listeners (the API), which keep every other path.
    const others = server.listeners("request") as ((req: IncomingMessage, res: ServerResponse) => void)[];
    server.removeAllListeners("request");
    server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      if (!attached && opts.matches(pathOf(req))) {
        load().then(
          () => server.emit("request", req, res),
          () => res.writeHead(503, { "content-type": "text/plain" }).end("Service Unavailable"),
        );
        return;
      }
      for (const listener of others) listener.call(server, req, res);
    });
  }
  return {
    get attached() {
      return attached;
    },
  };
}
