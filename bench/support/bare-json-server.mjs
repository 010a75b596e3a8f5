// A same-run peer of `npm run bench -- hardening`: bare Fastify that parses a JSON body with its own
// parser and answers 204, with no schema, validation or authentication: what receiving and parsing a
// body costs a Fastify server before any check. PORT from the environment.
import Fastify from "fastify";

const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
app.get("/healthz", async () => ({ ok: true }));
app.post("/*", async (_request, reply) => reply.code(204).send());
await app.listen({ port: Number(process.env.PORT), host: "127.0.0.1" });
