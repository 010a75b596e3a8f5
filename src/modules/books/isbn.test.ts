import { describe, expect, it } from "vitest";
import { isbn10To13, isValidIsbn10, isValidIsbn13, parseIsbn } from "./isbn.js";

describe("ISBN", () => {
  it("validates ISBN-10 check digits, including X", () => {
    expect(isValidIsbn10("0306406152")).toBe(true);
    expect(isValidIsbn10("080442957X")).toBe(true);
    expect(isValidIsbn10("0306406153")).toBe(false);
    expect(isValidIsbn10("03064061X2")).toBe(false);
  });

  it("validates ISBN-13 check digits and prefixes", () => {
    expect(isValidIsbn13("9780306406157")).toBe(true);
    expect(isValidIsbn13("9780306406158")).toBe(false);
    expect(isValidIsbn13("1234567890128")).toBe(false);
  });

  it("converts ISBN-10 to ISBN-13 and back", () => {
    expect(isbn10To13("0306406152")).toBe("9780306406157");
    expect(parseIsbn("978-0-306-40615-7")).toEqual({ isbn10: "0306406152", isbn13: "9780306406157" });
    expect(parseIsbn("0 8044 2957 x")).toEqual({ isbn10: "080442957X", isbn13: "9780804429573" });
    expect(parseIsbn("979-10-90636-07-1")).toEqual({ isbn10: null, isbn13: "9791090636071" });
  });

  it("refuses malformed input", () => {
    for (const bad of ["", "123", "978030640615", "97803064061577", "030640615a", "978-0-306-40615-8"])
      expect(parseIsbn(bad), bad).toBeUndefined();
  });
});
