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
});
