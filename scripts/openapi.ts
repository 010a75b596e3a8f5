// Writes openapi.json from the route schemas; with --check, exits 1 when the committed file is out of date.
import { readFileSync, writeFileSync } from "node:fs";
import { generateOpenApi } from "../src/app/openapi.js";

const file = new URL("../openapi.json", import.meta.url);
const generated = await generateOpenApi();
if (process.argv.includes("--check")) {
  let committed = "";
  try {
    committed = readFileSync(file, "utf8");
  } catch {}
  if (committed !== generated) {
    console.error(
      "openapi.json is out of date with the route schemas: run `npm run openapi` and commit the result",
    );
    process.exit(1);
  }
  console.log("openapi.json is up to date");
} else {
  writeFileSync(file, generated);
  console.log("wrote openapi.json");
}
