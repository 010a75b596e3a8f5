import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateOpenApi } from "../../src/app/openapi.js";

describe("the OpenAPI description", () => {
  it("is generated from the route schemas and matches the committed openapi.json (run `npm run openapi`)", async () => {
    const generated = await generateOpenApi();
    expect(readFileSync("openapi.json", "utf8")).toBe(generated);
  });

  it("is OpenAPI 3.1 and describes every API route with a summary and responses", async () => {
    const doc = JSON.parse(await generateOpenApi());
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.paths["/api/me"].get.responses["200"]).toBeDefined();
    for (const [path, ops] of Object.entries(
      doc.paths as Record<string, Record<string, { summary?: string; responses?: object }>>,
    )) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.summary, `${method} ${path}`).toBeTruthy();
        expect(Object.keys(op.responses ?? {}).length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
  });
});

describe("the API docs", () => {
  it("serves the spec at /api/openapi.json and a docs UI at /api/docs without credentials", async () => {
    const { startTestApp } = await import("../support/app.js");
    const t = await startTestApp();
    const spec = await t.app.inject({ method: "GET", url: "/api/openapi.json" });
    expect(spec.statusCode).toBe(200);
    expect(spec.json().info.title).toBe("Readlog API");
    const ui = await t.app.inject({ method: "GET", url: "/api/docs/" });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers["content-type"]).toContain("text/html");
    await t.close();
  });
});
