import { SerializerSelector } from "@fastify/fast-json-stringify-compiler";
import type { FastifyServerOptions } from "fastify";
import { validatorCompiler } from "./validation.js";

/**
 * Request parts are validated by validation.ts in every context. Success bodies are serialised by code
 * compiled from their schema (fast, and only declared fields leave the server). Error bodies are problem documents built by our own error handler, so plain
 * JSON.stringify is safe for them; compiling one Problem serializer per route and status would cost
 * several MB of memory for nothing.
 */
export const schemaController: FastifyServerOptions["schemaController"] = {
  compilersFactory: {
    // Every context validates with ours, also a plugin that adds shared schemas (Fastify would otherwise
    // build its default Ajv there: coercing bodies, no NUL check). Request schemas hold no $ref to them.
    buildValidator: () => validatorCompiler,
    buildSerializer: (externalSchemas: unknown, options: unknown) => {
      const compile = (
        SerializerSelector as unknown as () => (
          s: unknown,
          o: unknown,
        ) => (r: { httpStatus: string }) => unknown
      )()(externalSchemas, options);
      // Compiled on the route's first response, not at boot (see validation.ts).
      return (route: { httpStatus: string }) => {
        if (Number(route.httpStatus) >= 400) return JSON.stringify;
        let serialize: ((data: unknown) => string) | undefined;
        return (data: unknown) => {
          serialize ??= compile(route) as (data: unknown) => string;
          return serialize(data);
        };
      };
    },
  },
} as unknown as FastifyServerOptions["schemaController"];
