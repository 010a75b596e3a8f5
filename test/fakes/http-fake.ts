import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A loopback HTTP server for provider fakes; anything it does not expect is recorded in `unexpected`. */
export abstract class LoopbackFake {
  /** Requests the fake did not expect ("METHOD path"): a test should assert this stays empty. */
  readonly unexpected: string[] = [];
  url = "";
  private server: Server | undefined;

  protected abstract route(
    req: IncomingMessage,
    path: string,
    body: unknown,
    res: ServerResponse,
  ): boolean | Promise<boolean>;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        let body: unknown = null;
        try {
          body = raw ? JSON.parse(raw) : null;
        } catch {
          body = raw;
        }
        const path = new URL(req.url ?? "/", "http://fake").pathname;
        try {
          if (!(await this.route(req, path, body, res))) {
            this.unexpected.push(`${req.method} ${path}`);
            res.writeHead(404, { "content-type": "application/json" }).end('{"error":"unexpected request"}');
          }
        } catch (err) {
          this.unexpected.push(`${req.method} ${path}: ${String(err)}`);
          res.writeHead(500).end();
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export function json(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  return true;
}
