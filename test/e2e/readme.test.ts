import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configTable, VARIABLES } from "../../src/config.js";

describe("the README", () => {
  const readme = readFileSync("README.md", "utf8");

  it("shows the two commands first", () => {
    const firstBlock = readme.slice(
      readme.indexOf("```sh"),
      readme.indexOf("```", readme.indexOf("```sh") + 5),
    );
    expect(firstBlock).toContain("npm install && npm start");
    expect(firstBlock).toContain("npm test");
  });

  it("shows the configuration table exactly as src/config.ts declares it (`npx tsx scripts/config-table.ts`)", () => {
    expect(readme).toContain(configTable());
    for (const v of Object.values(VARIABLES)) expect(readme, v.name).toContain(`| \`${v.name}\` |`);
  });

  it("explains that registration closes after the first account, with routes that exist", () => {
    const section = readme.slice(readme.indexOf("**Registration closes after the first account.**"));
    expect(section.length).toBeGreaterThan(100);
    const paths = JSON.parse(readFileSync("openapi.json", "utf8")).paths as Record<string, object>;
    const named = section.slice(0, section.indexOf("```\n", section.indexOf("```sh") + 5));
    const routes = [...named.matchAll(/(?:-X (PUT|POST) )?localhost:3000(\/api\/[\w/]+)/g)].map((m) => [
      (m[1] ?? "GET").toLowerCase(),
      m[2]!,
    ]);
    expect(routes.length).toBeGreaterThanOrEqual(3);
    for (const [method, path] of routes) expect(paths[path!], `${method} ${path}`).toHaveProperty(method!);
    expect(section).toContain("GET /api/auth/registration");
    expect(paths["/api/auth/registration"]).toHaveProperty("get");
  });
});
