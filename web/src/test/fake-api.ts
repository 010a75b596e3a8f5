/** A fake Readlog API for component tests: routes "METHOD /path" to handlers and records every request. */
type Handler = (request: Request, body: unknown) => Response | Promise<Response>;

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": status >= 400 ? "application/problem+json" : "application/json" },
  });
}

export function problem(
  status: number,
  detail: string,
  errors?: { field: string; rule: string; message: string }[],
) {
  return json(
    {
      type: "urn:readlog:problem:test",
      title: status === 400 ? "Invalid request" : "Error",
      status,
      detail,
      ...(errors ? { errors } : {}),
    },
    status,
  );
}

class FakeApi {
  private routes = new Map<string, Handler>();
  calls: { method: string; path: string; body: unknown }[] = [];

  on(route: string, handler: Handler): this {
    this.routes.set(route, handler);
    return this;
  }

  reset() {
    this.routes.clear();
    this.calls = [];
  }

  callsTo(method: string, path: string) {
    return this.calls.filter((c) => c.method === method && c.path === path);
  }

  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const text = request.method === "GET" ? "" : await request.text();
    const body = text ? JSON.parse(text) : undefined;
    this.calls.push({ method: request.method, path: url.pathname, body });
    const handler = this.routes.get(`${request.method} ${url.pathname}`);
    if (!handler) return problem(404, `No fake for ${request.method} ${url.pathname}`);
    return handler(request, body);
  }
}

export const fakeApi = new FakeApi();
