import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { VARIABLES } from "../../src/config.js";

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

  it("documents every configuration variable with its default (`npx tsx scripts/config-table.ts`)", () => {
    for (const v of Object.values(VARIABLES)) {
      const row = readme.split("\n").find((l) => l.startsWith(`| \`${v.name}\` |`));
      expect(row, v.name).toBeDefined();
      expect(row, v.name).toContain(v.default ? `\`${v.default}\`` : "(empty)");
    }
  });
});
