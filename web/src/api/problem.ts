/** An RFC 9457 problem document as the Readlog API sends it (the `Problem` schema of openapi.json). */
import type { components } from "./openapi.gen";

export type Problem = components["schemas"]["Problem"];

/** An API answer that was not a success: carries the problem document so forms can show its field errors. */
export class ProblemError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = "ProblemError";
    this.status = problem.status;
    this.problem = problem;
  }

  /**
   * Field errors keyed by the field's name: `/body/email` and `/email` both become `email`, nested
   * pointers keep their path (`when/daily`). The first message per field wins.
   */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      const key = e.field.replace(/^\/(body|query|params|querystring)(?=\/|$)/, "").replace(/^\//, "");
      if (!(key in out)) out[key] = e.message;
    }
    return out;
  }
}

/** Turns any thrown value into a problem document, so every error can be shown the same way. */
export function toProblem(err: unknown): Problem {
  if (err instanceof ProblemError) return err.problem;
  const detail = err instanceof Error ? err.message : String(err);
  return { type: "about:blank", title: "Something went wrong", status: 0, detail };
}

/** True when an answer body looks like a problem document. */
export function isProblem(body: unknown): body is Problem {
  return (
    typeof body === "object" &&
    body !== null &&
    typeof (body as { title?: unknown }).title === "string" &&
    typeof (body as { status?: unknown }).status === "number"
  );
}
