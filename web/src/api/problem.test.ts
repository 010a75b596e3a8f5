import { describe, expect, it } from "vitest";
import { ProblemError, toProblem } from "./problem";

describe("ProblemError", () => {
  it("maps the server's field pointers to field names, first message per field", () => {
    const err = new ProblemError({
      type: "urn:readlog:problem:validation",
      title: "Invalid request",
      status: 400,
      detail: "/body/email must match format",
      errors: [
        { field: "/body/email", rule: "format", message: 'must match format "email"' },
        { field: "/body/email", rule: "maxLength", message: "too long" },
        { field: "/phone", rule: "phone", message: "must be an international number" },
        { field: "/body/when/daily", rule: "pattern", message: "must be HH:MM" },
      ],
    });
    expect(err.fieldErrors()).toEqual({
      email: 'must match format "email"',
      phone: "must be an international number",
      "when/daily": "must be HH:MM",
    });
    expect(err.message).toBe("/body/email must match format");
  });

  it("turns anything thrown into a problem document", () => {
    expect(toProblem(new Error("boom"))).toMatchObject({ title: "Something went wrong", detail: "boom" });
  });
});
