import type { FastifyInstance, FastifyRequest } from "fastify";
import { shapeError } from "./body-shape.js";
import { bounded } from "./validation.js";

/**
 * A JSON body longer than this is first read as text against the route's schema (body-shape.ts), so that
 * one whose shape is wrong is refused before it is parsed. A shorter one is parsed and then hears of every
 * failing field (up to the validator's bound): parsing it costs little whatever it holds.
 */
export const SHAPE_CHECK_MIN_CHARS = 64 * 1024;

/**
 * The `application/json` parser of every route: Fastify's own (prototype poisoning refused), behind the
 * shape check for large bodies. A body refused by the shape check gets the validation problem the
 * validator would give, naming its first failing field.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) =>
    parseJsonText(request, body as string, done),
  );
}

/** The app's JSON parsing of a body read whole (`text`): the shape check when it is large, then the parser. */
export function parseJsonText(
  request: FastifyRequest,
  text: string,
  done: (error: Error | null, body?: unknown) => void,
): void {
  if (text.length > SHAPE_CHECK_MIN_CHARS) {
    const error = shapeError(text, request.routeOptions.schema?.body);
    if (error) {
      done(
        Object.assign(new Error("The body does not have the shape its schema requires"), {
          statusCode: 400,
          validation: bounded([error], true),
          validationContext: "body",
        }),
        undefined,
      );
      return;
    }
  }
  // Fastify's own parser (the same for every instance): prototype poisoning refused.
  defaultParse ??= request.server.getDefaultJsonParser("error", "error");
  defaultParse(request, text, done as never);
}

let defaultParse: ReturnType<FastifyInstance["getDefaultJsonParser"]> | undefined;
