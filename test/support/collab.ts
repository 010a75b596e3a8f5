import type { AddressInfo } from "node:net";
import { HocuspocusProvider } from "@hocuspocus/provider";
import WebSocket from "ws";
import * as Y from "yjs";
import type { CollabServer } from "../../src/modules/collab/collab.server.js";
import type { TestApp } from "./app.js";

/** A test app listening on a loopback port with the collab role attached to its server. */
export interface CollabTestApp {
  /** ws://127.0.0.1:port/collab */
  url: string;
  server: CollabServer;
  close(): Promise<void>;
}

export async function listenCollab(t: TestApp): Promise<CollabTestApp> {
  const attachment = t.assembly.modules.flatMap((m) => m.attachments ?? []).find((a) => a.role === "collab");
  if (!attachment) throw new Error("no module attaches the collab role");
  await attachment.attach(t.app.server);
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = t.app.server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/collab`,
    server: (t.services as unknown as { collab: CollabServer }).collab,
    async close() {
      await attachment.close();
      await t.close();
    },
  };
}

/** One editor: a Yjs document kept in step with the server's over its own WebSocket. */
export interface Editor {
  provider: HocuspocusProvider;
  doc: Y.Doc;
  text: Y.Text;
  /** "read-write" or "readonly" once authenticated. */
  scope: string;
  /** The reason the server refused it, if it did. */
  refused: string | undefined;
  /** Set once the server closed the connection (code and reason). */
  closed: { code: number; reason: string } | undefined;
  destroy(): void;
}

/**
 * Opens note `noteId` as an editor: with a token (or a session cookie in the upgrade's headers), and a share
 * link when given. Resolves once synced, or refused (then `refused` says why).
 */
export async function openEditor(
  url: string,
  noteId: string,
  opts: { token?: string; cookie?: string; origin?: string; link?: string; doc?: Y.Doc } = {},
): Promise<Editor> {
  const headers: Record<string, string> = {};
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.origin) headers.origin = opts.origin;
  class HeaderSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
      // A socket destroyed while still connecting reports the abort as an "error" event: without a listener
      // ws would throw it uncaught (the provider learns of the close through its own handlers).
      this.on("error", () => {});
    }
  }
  const doc = opts.doc ?? new Y.Doc();
  const editor: Editor = {
    provider: undefined as unknown as HocuspocusProvider,
    doc,
    text: doc.getText("body"),
    scope: "",
    refused: undefined,
    closed: undefined,
    destroy() {
      // Its socket too, and for good: a reconnection it had already scheduled would otherwise open a new
      // one (the provider's destroy does not cancel it), and fail unhandled once the server is gone.
      const socket = editor.provider.configuration.websocketProvider;
      socket.connect = () => Promise.resolve();
      editor.provider.destroy();
      socket.destroy();
    },
  };
  await new Promise<void>((resolve) => {
    // The provider hands these to the WebSocket it makes (its types list only the browser's options).
    const socket = { WebSocketPolyfill: HeaderSocket, maxAttempts: 1 } as object;
    editor.provider = new HocuspocusProvider({
      ...socket,
      url: opts.link ? `${url}?link=${encodeURIComponent(opts.link)}` : url,
      name: noteId,
      document: doc,
      token: opts.token ?? "",
      onAuthenticated: ({ scope }) => {
        editor.scope = scope;
      },
      onAuthenticationFailed: ({ reason }) => {
        editor.refused = reason;
        resolve();
      },
      onSynced: () => resolve(),
      onClose: ({ event }) => {
        editor.closed ??= { code: event.code, reason: event.reason };
        resolve();
      },
    });
  });
  return editor;
}

/** A raw WebSocket to the collab server (for what a provider would never send). */
export async function rawSocket(url: string): Promise<{
  ws: WebSocket;
  closed: Promise<{ code: number; reason: string }>;
}> {
  const ws = new WebSocket(url);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return { ws, closed };
}
