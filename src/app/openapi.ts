import { testConfig } from "../config.js";
import { assemble } from "./assemble.js";
import { buildHttpApp } from "./http.js";

/** The OpenAPI document generated from the route schemas, as committed in openapi.json (stable order and formatting). */
export async function generateOpenApi(): Promise<string> {
  const app = await assemble(testConfig());
  const http = await buildHttpApp(app);
  await http.ready();
  const doc = http.swagger() as { paths?: Record<string, unknown> };
  // Paths in a stable order, whatever order the modules register them in.
  if (doc.paths)
    doc.paths = Object.fromEntries(
      Object.entries(doc.paths).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  await http.close();
  await app.close();
  return `${JSON.stringify(doc, null, 2)}\n`;
}
