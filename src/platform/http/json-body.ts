import type { FastifyInstance } from "fastify";
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
  const parse = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = body as string;
    if (text.length > SHAPE_CHECK_MIN_CHARS) {
      const error = shapeError(text, request.routeOptions.schema?.body);
      if (error)
        return done(
          Object.assign(new Error("The body does not have the shape its schema requires"), {
            statusCode: 400,
            validation: bounded([error], true),
            validationContext: "body",
          }),
          undefined,
        );
    }
    parse(request, text, done);
  });
}
