// The part of jsdom's API Readlog uses (a window to host DOMPurify). @types/jsdom is not used: it
// pulls the DOM lib into the whole program, which changes the global fetch/Response types.
declare module "jsdom" {
  export class JSDOM {
    constructor(html?: string, options?: { contentType?: string });
    readonly window: Record<string, unknown> & { close(): void };
  }
}
