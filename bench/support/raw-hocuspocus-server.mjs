// The baseline of `npm run bench -- collab`: bare Hocuspocus on PORT (no authentication, access checks,
// message checks or persistence), the same library the collab role serves documents with.
import { Server } from "@hocuspocus/server";

const server = new Server({ port: Number(process.env.PORT), address: "127.0.0.1", quiet: true });
await server.listen();
process.on("SIGTERM", async () => {
  await server.destroy();
  process.exit(0);
});
