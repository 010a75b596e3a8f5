import { testConfig } from "../../config.js";
import { createServices } from "../../container.js";
import { buildServer } from "./server.js";

/** The OpenAPI document generated from the route schemas, as committed in openapi.json (stable formatting). */
export async function generateOpenApi(): Promise<string> {
  const config = testConfig();
  const services = await createServices(config);
  const app = await buildServer(config, services);
  await app.ready();
  const doc = app.swagger();
  await app.close();
  await services.database.close();
  return `${JSON.stringify(doc, null, 2)}\n`;
}
