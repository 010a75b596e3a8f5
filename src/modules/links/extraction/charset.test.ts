import { describe, expect, it } from "vitest";
import { charsetParam, decodeHtml } from "./charset.js";

const latin1 = (s: string) => Buffer.from(s, "latin1");

describe("decodeHtml", () => {
  it("a BOM wins over everything", () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('<meta charset="iso-8859-1"><p>Grüße</p>'),
    ]);
    expect(decodeHtml(bytes, "text/html; charset=windows-1252")).toMatchObject({
      charset: "utf-8",
      source: "bom",
      html: '<meta charset="iso-8859-1"><p>Grüße</p>',
    });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("<p>é</p>", "utf16le")]);
    expect(decodeHtml(utf16)).toMatchObject({ charset: "utf-16le", html: "<p>é</p>" });
  });

  it("then the Content-Type header's charset", () => {
    expect(decodeHtml(latin1("<p>Grüße</p>"), "text/html; charset=ISO-8859-1")).toMatchObject({
      html: "<p>Grüße</p>",
      charset: "windows-1252",
      source: "header",
    });
    expect(decodeHtml(Buffer.from([0x82, 0xa0]), 'text/html; charset="Shift_JIS"').html).toBe("あ");
  });

  it("does not believe a header claiming UTF-8 for bytes that are not: the meta, or the fallback, reads them", () => {
    const page = latin1('<meta charset="windows-1252"><p>caf\xe9 cr\xe8me</p>');
    expect(decodeHtml(page, "text/html; charset=utf-8")).toMatchObject({
      html: '<meta charset="windows-1252"><p>café crème</p>',
      source: "meta",
    });
    expect(decodeHtml(latin1("<p>caf\xe9</p>"), "text/html; charset=UTF-8").html).toBe("<p>café</p>");
  });

  it("then <meta charset> and <meta http-equiv>, ignoring one in a comment", () => {
    expect(decodeHtml(latin1('<meta charset="windows-1252"><p>caf\xe9</p>'))).toMatchObject({
      html: '<meta charset="windows-1252"><p>café</p>',
      source: "meta",
    });
    expect(
      decodeHtml(
        latin1('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-15"><p>\xa4</p>'),
      ).html,
    ).toContain("€");
    expect(
      decodeHtml(latin1('<!-- <meta charset="koi8-r"> --><meta charset="iso-8859-1"><p>\xe9</p>')).html,
    ).toContain("é");
    const gbk = Buffer.concat([
      Buffer.from('<meta charset="gb2312"><p>'),
      Buffer.from([0xd6, 0xd0, 0xce, 0xc4]),
      Buffer.from("</p>"),
    ]);
    expect(decodeHtml(gbk).html).toContain("中文");
  });

  it("a legacy meta over bytes that are valid UTF-8 reads as UTF-8 (a CMS migration bug)", () => {
    expect(decodeHtml(Buffer.from('<meta charset="iso-8859-1"><p>Grüße</p>'))).toMatchObject({
      html: '<meta charset="iso-8859-1"><p>Grüße</p>',
      source: "utf8-valid",
    });
  });

  it("a meta declaring UTF-16 means UTF-8 (the standard's rule)", () => {
    expect(decodeHtml(Buffer.from('<meta charset="utf-16"><p>é</p>')).html).toContain("é");
  });

  it("without any declaration: UTF-8 when valid, else windows-1252; never throws", () => {
    expect(decodeHtml(Buffer.from("<p>ü</p>"))).toMatchObject({ source: "utf8-valid", html: "<p>ü</p>" });
    expect(decodeHtml(latin1("<p>\x93quoted\x94</p>"))).toMatchObject({
      source: "fallback",
      html: "<p>“quoted”</p>",
    });
    expect(decodeHtml(Buffer.from('<meta charset="no-such-charset"><p>x</p>')).source).toBe("utf8-valid");
    expect(decodeHtml(Buffer.from([0xff, 0xff, 0x00])).html).toBeTypeOf("string");
  });

  it("reads the charset parameter", () => {
    expect(charsetParam("text/html;charset=utf-8")).toBe("utf-8");
    expect(charsetParam('text/html; Charset="EUC-JP"')).toBe("EUC-JP");
    expect(charsetParam("text/html")).toBeUndefined();
  });
});
