// Prints the README's configuration table from src/config.ts, the single source of the variables.
import { VARIABLES } from "../src/config.js";

console.log("| variable | default | meaning |\n|---|---|---|");
for (const v of Object.values(VARIABLES))
  console.log(`| \`${v.name}\` | ${v.default ? `\`${v.default}\`` : "(empty)"} | ${v.doc} |`);
