import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../imports/imports.test-helpers.js";
import {
  type ClippingProblem,
  type ClippingRow,
  type KindleClipping,
  parseTitleLine,
  readKindleClippings,
} from "./kindle-clippings.js";
import { parseKindleHeader } from "./kindle-header.js";
import { organizeClippings } from "./kindle-organize.js";

const SHARED = resolve(PROJECT_ROOT, "../shared/data/imports/kindle");
const hasShared = existsSync(SHARED);
if (!hasShared) console.log(`[readlog] real Kindle clippings tests skipped: ${SHARED} is absent`);

async function* chunks(data: Buffer | string, size = 7): AsyncGenerator<Buffer> {
  const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function readAll(data: Buffer | string, size?: number) {
  const clippings: KindleClipping[] = [];
  const problems: ClippingProblem[] = [];
  for await (const row of readKindleClippings(chunks(data, size))) {
    if ("clipping" in row) clippings.push(row.clipping);
    else problems.push(row.problem);
  }
  return { clippings, problems };
}

interface Expected {
  document: { title: string; authors: string };
  metadata: {
    category: string;
    location: { begin: number; end: number };
    timestamp: string;
    page: number | null;
  };
  content: string;
}

describe.skipIf(!hasShared)("Kindle clippings: the real files and their expected parses", () => {
  for (const name of ["clippings", "clippings-new-format"]) {
    it(`reads samueldg ${name}.txt exactly as ${name}.json says`, async () => {
      const txt = readFileSync(resolve(SHARED, `samueldg-tests_resources_${name}.txt`));
      const expected: Expected[] = JSON.parse(
        readFileSync(resolve(SHARED, `samueldg-tests_resources_${name}.json`), "utf8"),
      );
      const { clippings, problems } = await readAll(txt);
      expect(problems).toEqual([]);
      expect(
        clippings.map((c) => ({
          document: { title: c.book.title, authors: c.book.authors.join(";") },
          metadata: {
            category: c.kind[0]!.toUpperCase() + c.kind.slice(1),
            location: { begin: c.location?.start, end: c.location?.end },
            timestamp: c.addedAt,
            page: c.page === undefined ? null : Number(c.page),
          },
          content: c.text,
        })),
      ).toEqual(expected);
    });
  }

  it("reads the bilingual Spanish/English file", async () => {
    const txt = readFileSync(
      resolve(SHARED, "samueldg-examples_bilingual_spanish_english_kindle_resources_MyClippings.txt"),
    );
    const { clippings, problems } = await readAll(txt, 3);
    expect(problems).toEqual([]);
    expect(clippings.map(({ key, ...c }) => c)).toEqual([
      {
        line: 2,
        kind: "highlight",
        book: { title: "The Priory of the Orange Tree", authors: ["Samantha Shannon"] },
        language: "en",
        page: "115",
        location: { start: 1756, end: 1757 },
        addedAt: "2021-02-26T11:03:02",
        text: "Though she had Ersyri blood, she had not been born in the Ersyr and had not often set foot in it.",
      },
      {
        line: 7,
        kind: "highlight",
        book: { title: "El Principe de la Niebla", authors: ["Carlos Ruiz Zafón"] },
        language: "es",
        page: "4",
        location: { start: 60, end: 60 },
        addedAt: "2022-07-06T06:54:57",
        text: "asintiendo a una pregunta que Max no había llegado a formular.",
      },
    ]);
  });

  it("reads baniol's old-firmware file (BOM, CRLF, Loc. 466-69, GMT offsets) with every entry accounted for", async () => {
    const raw = readFileSync(resolve(SHARED, "baniol-My Clippings.txt"));
    const { clippings, problems } = await readAll(raw, 4096);
    expect(problems.filter((p) => p.severity === "error")).toEqual([]);
    // An independent count: the metadata lines by their first word.
    const metas = raw
      .toString("utf8")
      .split(/\r?\n/)
      .filter((l) => /^- (Your )?(Highlight|Note|Bookmark)/.test(l));
    const count = (w: string) => metas.filter((l) => l.includes(w)).length;
    expect(clippings).toHaveLength(metas.length);
    expect(clippings.filter((c) => c.kind === "highlight")).toHaveLength(count("Highlight"));
    expect(clippings.filter((c) => c.kind === "note")).toHaveLength(count("Note"));
    expect(clippings.filter((c) => c.kind === "bookmark")).toHaveLength(count("Bookmark"));
    expect(clippings[0]).toMatchObject({
      book: { title: "Developing Backbone.js Applications", authors: ["Addy Osmani"] },
      kind: "highlight",
      location: { start: 242, end: 243 },
      addedAt: "2012-12-03T19:00:12",
      utcOffset: "+00:00",
      text: "languages when implementing patterns in their projects, there are many lessons we can",
    });
    expect(clippings[1]).toMatchObject({ kind: "bookmark", location: { start: 241, end: 241 }, text: "" });
    const dracula = clippings.find((c) => c.book.title === "Dracula" && c.location?.start === 965)!;
    expect(dracula).toMatchObject({
      location: { end: 966 },
      utcOffset: "+00:59",
      addedAt: "2012-12-03T21:33:43",
    });
    for (const c of clippings) {
      expect(c.addedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
      if (c.location) expect(c.location.end).toBeGreaterThanOrEqual(c.location.start);
      expect(c.text).not.toMatch(/\r/);
    }
    // Keys are unique except for entries the device wrote twice, byte for byte.
    const organized = organizeClippings(clippings);
    expect(new Set(clippings.map((c) => c.key)).size).toBe(clippings.length - organized.duplicates);
  });

  it("attaches the real Schopenhauer note to the highlight at its location", async () => {
    const txt = readFileSync(resolve(SHARED, "samueldg-tests_resources_clippings.txt"));
    const { clippings } = await readAll(txt);
    const o = organizeClippings(clippings);
    const h = o.highlights.find((x) => x.highlight.book.authors[0] === "Schopenhauer, Arthur")!;
    expect(h.notes.map((n) => n.text)).toEqual(["remarque de Proust?"]);
    expect(o.notes).toEqual([]);
  });
});

describe("Kindle metadata lines in every device language", () => {
  const cases: Array<[string, string, Record<string, unknown>]> = [
    [
      "en",
      "- Your Highlight on page 13 | Location 292-295 | Added on Monday, November 27, 2017 3:15:56 PM",
      { kind: "highlight", page: "13", location: { start: 292, end: 295 }, addedAt: "2017-11-27T15:15:56" },
    ],
    [
      "en",
      "- Your Highlight at location 6418-6419 | Added on Monday, 10 March 2014 14:34:24",
      { kind: "highlight", location: { start: 6418, end: 6419 }, addedAt: "2014-03-10T14:34:24" },
    ],
    [
      "en",
      "- Your Note on page 169 | location 1955 | Added on Monday, 1 May 2023 22:49:34",
      { kind: "note", page: "169", location: { start: 1955, end: 1955 }, addedAt: "2023-05-01T22:49:34" },
    ],
    [
      "en",
      "- Your Bookmark on page 164 | Location 2655 | Added on Saturday, 1 April 2023 12:00:00 AM",
      { kind: "bookmark", addedAt: "2023-04-01T00:00:00" },
    ],
    [
      "en",
      "- Highlight Loc. 466-69  | Added on Thursday, April 21, 2011, 07:31 AM",
      { kind: "highlight", location: { start: 466, end: 469 }, addedAt: "2011-04-21T07:31:00" },
    ],
    [
      "en",
      "- Highlight Loc. 998-1002  | Added on Thursday, April 21, 2011, 12:05 PM",
      { location: { start: 998, end: 1002 }, addedAt: "2011-04-21T12:05:00" },
    ],
    [
      "en",
      "- Highlight Loc. 1998-02  | Added on Thursday, April 21, 2011, 12:05 AM",
      { location: { start: 1998, end: 2002 }, addedAt: "2011-04-21T00:05:00" },
    ],
    [
      "en",
      "- Highlight on Page 7 | Added on Monday, 3 December 12 19:42:30 Greenwich Mean Time",
      { page: "7", addedAt: "2012-12-03T19:42:30", utcOffset: "+00:00" },
    ],
    [
      "en",
      "- Your Highlight on page xii | Location 1,234-1,236 | Added on Monday, 3 June 2019 9:05:00",
      { page: "xii", location: { start: 1234, end: 1236 } },
    ],
    [
      "en",
      "- Clip This Article on Location 20-25 | Added on Monday, January 1, 2024 10:00:00 AM",
      { kind: "clip" },
    ],
    [
      "es",
      "- La subrayado en la página 4 | posición 60-60 | Añadido el miércoles, 6 de julio de 2022 06:54:57",
      { kind: "highlight", page: "4", location: { start: 60, end: 60 }, addedAt: "2022-07-06T06:54:57" },
    ],
    [
      "es",
      "- Tu nota en la posición 1234 | Añadido el martes, 12 de marzo de 2024 21:30:15",
      { kind: "note", location: { start: 1234, end: 1234 }, addedAt: "2024-03-12T21:30:15" },
    ],
    [
      "es",
      "- Tu marcador en la página 5 | posición 63 | Añadido el sábado, 1 de setiembre de 2018 8:00:00",
      { kind: "bookmark", addedAt: "2018-09-01T08:00:00" },
    ],
    [
      "fr",
      "- Votre surlignement sur la page 200 | emplacement 3054-3056 | Ajouté le mercredi 16 août 2017 02:14:10",
      {
        kind: "highlight",
        page: "200",
        location: { start: 3054, end: 3056 },
        addedAt: "2017-08-16T02:14:10",
      },
    ],
    [
      "fr",
      "- Votre surlignement sur la page 242 | Emplacement 3706-3708 | Ajouté le samedi 16 juin 2012 à 22:40:52",
      { addedAt: "2012-06-16T22:40:52" },
    ],
    [
      "fr",
      "- Votre note sur la page 12 | emplacement 171 | Ajouté le lundi 3 mars 2025 à 22:14:05",
      { kind: "note" },
    ],
    [
      "fr",
      "- Votre signet sur la page 1 | emplacement 3 | Ajouté le vendredi 1 février 2019 10:00:00",
      { kind: "bookmark", addedAt: "2019-02-01T10:00:00" },
    ],
    [
      "de",
      "- Ihre Markierung auf Seite 42 | Position 1234-1236 | Hinzugefügt am Montag, 30. Dezember 2024 14:46:33",
      { kind: "highlight", page: "42", location: { start: 1234, end: 1236 }, addedAt: "2024-12-30T14:46:33" },
    ],
    [
      "de",
      "- Ihre Markierung bei Position 233-235 | Hinzugefügt am Dienstag, 5. März 2024 21:12:45",
      { location: { start: 233, end: 235 }, addedAt: "2024-03-05T21:12:45" },
    ],
    [
      "de",
      "- Ihre Notiz bei Position 1234 | Hinzugefügt am Sonntag, 8. Januar 2017 18:21:33",
      { kind: "note" },
    ],
    [
      "de",
      "- Ihr Lesezeichen auf Seite 5 | bei Position 60 | Hinzugefügt am Sonntag, 8. Januar 2017 18:21:33",
      { kind: "bookmark", page: "5" },
    ],
    [
      "it",
      "- La tua evidenziazione alla posizione 512-514 | Aggiunto in data martedì 5 marzo 2024 18:40:02",
      { kind: "highlight", location: { start: 512, end: 514 }, addedAt: "2024-03-05T18:40:02" },
    ],
    [
      "it",
      "- La tua nota a pagina 14 | posizione 125 | Aggiunto in data lunedì 16 settembre 2024 16:13:54",
      { kind: "note", page: "14", addedAt: "2024-09-16T16:13:54" },
    ],
    [
      "it",
      "- Il tuo segnalibro a pagina 5 | posizione 60 | Aggiunto in data lunedì 16 settembre 2024 16:13:54",
      { kind: "bookmark" },
    ],
    [
      "pt",
      "- Seu destaque na página 33 | posição 410-412 | Adicionado: terça-feira, 5 de março de 2024 09:12:45",
      { kind: "highlight", page: "33", location: { start: 410, end: 412 }, addedAt: "2024-03-05T09:12:45" },
    ],
    [
      "pt",
      "- Sua nota na posição 413 | Adicionado: terça-feira, 5 de março de 2024 09:13:00",
      { kind: "note" },
    ],
    [
      "nl",
      "- Je markering op pagina 6 | locatie 36-40 | Toegevoegd op maandag 30 september 2019 18:00:39",
      { kind: "highlight", page: "6", location: { start: 36, end: 40 }, addedAt: "2019-09-30T18:00:39" },
    ],
    ["nl", "- Uw notitie op locatie 41 | Toegevoegd op maandag 30 september 2019 18:01:00", { kind: "note" }],
    [
      "nl",
      "- Je bladwijzer op pagina 7 | locatie 45 | Toegevoegd op dinsdag 1 oktober 2019 08:00:00",
      { kind: "bookmark" },
    ],
    [
      "ru",
      "- Ваш выделенный отрывок на странице 5 | Местоположение 1234-1236 | Добавлено: понедельник, 30 декабря 2024 г. в 14:46:33",
      { kind: "highlight", page: "5", location: { start: 1234, end: 1236 }, addedAt: "2024-12-30T14:46:33" },
    ],
    [
      "ja",
      "- 26ページ|位置No. 295-296のハイライト |作成日: 2023年9月4日月曜日 22:53:55",
      { kind: "highlight", page: "26", location: { start: 295, end: 296 }, addedAt: "2023-09-04T22:53:55" },
    ],
    [
      "ja",
      "- 位置No. 422-423のハイライト |作成日: 2022年5月28日土曜日 13:21:54",
      { location: { start: 422, end: 423 } },
    ],
    [
      "ja",
      "- 22ページ|位置No. 336のメモ |作成日: 2023年6月10日土曜日 9:18:40",
      { kind: "note", addedAt: "2023-06-10T09:18:40" },
    ],
    [
      "ja",
      "- 30ページ|位置No. 400のブックマーク |作成日: 2025年4月2日水曜日 21:06:00",
      { kind: "bookmark", page: "30" },
    ],
    [
      "ja",
      "- 位置No. 152-155のハイライト | 追加日： 2024年4月2日火曜日 22:15:08",
      { addedAt: "2024-04-02T22:15:08" },
    ],
    [
      "zh",
      "- 您在第 47 页（位置 #708-710）的标注 | 添加于 2021年3月5日星期五 上午1:26:56",
      { kind: "highlight", page: "47", location: { start: 708, end: 710 }, addedAt: "2021-03-05T01:26:56" },
    ],
    [
      "zh",
      "- 您在位置 #1877-1878的标注 | 添加于 2022年5月30日星期一 下午6:19:37",
      { location: { start: 1877, end: 1878 }, addedAt: "2022-05-30T18:19:37" },
    ],
    [
      "zh",
      "- 您在位置 #205 的笔记 | 添加于 2019年8月31日星期六 上午12:55:51",
      { kind: "note", addedAt: "2019-08-31T00:55:51" },
    ],
    [
      "zh",
      "- 您在第 19 页的书签 | 添加于 2017年12月9日星期六 下午10:09:32",
      { kind: "bookmark", page: "19", addedAt: "2017-12-09T22:09:32" },
    ],
  ];
  for (const [lang, line, want] of cases) {
    it(`${lang}: ${line.slice(2, 50)}…`, () => {
      const h = parseKindleHeader(line);
      expect(h).toMatchObject({ language: lang, ...want });
    });
  }

  it("says which line it cannot read, per entry, for unknown languages and impossible dates", () => {
    expect(
      parseKindleHeader("- Þú merktir á síðu 5 | staðsetning 60 | Bætt við mánudagur 30 desember 2024"),
    ).toMatch(/not a Kindle clipping header/);
    expect(
      parseKindleHeader("- Your Highlight on page 1 | Added on Monday, February 30, 2023 1:00:00 PM"),
    ).toMatch(/date .* could not be read/);
  });
});

describe("Kindle title lines", () => {
  it("takes the last balanced parenthesised group as the author", () => {
    expect(parseTitleLine("\uFEFFBook (Series) (Spanish Edition) (Ruiz Zafón, Carlos)")).toEqual({
      title: "Book (Series) (Spanish Edition)",
      authors: ["Ruiz Zafón, Carlos"],
    });
    expect(parseTitleLine("Title (Author (Editor))")).toEqual({
      title: "Title",
      authors: ["Author (Editor)"],
    });
    expect(parseTitleLine("No Author Here")).toEqual({ title: "No Author Here", authors: [] });
    expect(parseTitleLine("(Only Parens)")).toEqual({ title: "(Only Parens)", authors: [] });
    expect(parseTitleLine("A;B (X;Y ; Z)")).toEqual({ title: "A;B", authors: ["X", "Y", "Z"] });
  });
});

const SEP = "==========";
const entry = (title: string, meta: string, text: string) => `${title}\n${meta}\n\n${text}\n${SEP}\n`;
const meta = (loc: string, time: string, kind = "Highlight") =>
  `- Your ${kind} on page 3 | Location ${loc} | Added on Monday, 1 May 2023 ${time}`;

describe("damaged clippings files", () => {
  it("reports per entry and keeps going: missing metadata, unknown language, wrong separators, truncation", async () => {
    const file = [
      "\uFEFF",
      entry("Good (A)", meta("1-2", "10:00:00"), "first"),
      "Only A Title (A)\n==========\n",
      entry("Unknown (A)", "- Þú merktir á síðu 5 | Bætt við mánudagur", "x"),
      `Nine (A)\n${meta("3-4", "10:01:00")}\n\nnine\n=========\n`,
      entry("After (A)", meta("5-6", "10:02:00"), "after"),
      `Cut (A)\n${meta("7-8", "10:03:00")}\n\nthe file ends in the mid`,
    ]
      .join("")
      .replace(/\n/g, "\r\n");
    const { clippings, problems } = await readAll(file, 5);
    expect(clippings.map((c) => c.text)).toEqual(["first", "nine", "after", "the file ends in the mid"]);
    expect(problems.map((p) => [p.line, p.severity, p.message])).toEqual([
      [6, "error", expect.stringMatching(/^the entry has a title but no metadata line/)],
      [9, "error", expect.stringMatching(/is not a Kindle clipping header/)],
      [17, "warning", expect.stringMatching(/^the separator has 9 "=" instead of 10/)],
      [23, "warning", expect.stringMatching(/^the file ends inside this entry/)],
    ]);
  });

  it("skips an over-long entry or a line without end, with bounded memory", async () => {
    const huge = "x".repeat(3_000_000);
    const file = `${entry("Big (A)", meta("1-2", "10:00:00"), huge)}${entry("Next (A)", meta("3-4", "10:00:00"), "next")}`;
    const { clippings, problems } = await readAll(file, 65536);
    expect(clippings.map((c) => c.text)).toEqual(["next"]);
    expect(problems).toMatchObject([
      { line: 1, severity: "error", message: expect.stringMatching(/longer than the limit/) },
    ]);
    const noNewline = await readAll(`Title (A)\n${"y".repeat(2_500_000)}`, 65536);
    expect(noNewline.clippings).toEqual([]);
    expect(noNewline.problems).toHaveLength(1);
  });

  it("refuses UTF-16 files and files over the size limit as a whole", async () => {
    const utf16 = Buffer.from("\uFEFFTitle (A)", "utf16le");
    await expect(readAll(Buffer.concat([Buffer.from([0xff, 0xfe]), utf16.subarray(2)]))).rejects.toThrow(
      /UTF-16/,
    );
    const rows: ClippingRow[] = [];
    await expect(
      (async () => {
        for await (const r of readKindleClippings(chunks("a".repeat(100), 10), { maxBytes: 50 }))
          rows.push(r);
      })(),
    ).rejects.toThrow(/larger than/);
  });

  it("marks entries with bytes that are not UTF-8", async () => {
    const good = Buffer.from(entry("Latin (A)", meta("1-2", "10:00:00"), "caf"));
    const bad = Buffer.concat([
      good.subarray(0, good.indexOf("caf") + 3),
      Buffer.from([0xe9]),
      good.subarray(good.indexOf("caf") + 3),
    ]);
    const { clippings, problems } = await readAll(bad);
    expect(clippings[0]!.text).toBe("caf\uFFFD");
    expect(problems).toMatchObject([{ severity: "warning", message: expect.stringMatching(/not UTF-8/) }]);
  });

  it("streams a 50 MB file entry by entry", async () => {
    const one = entry(
      "A Long Book (Some Author)",
      meta("100-101", "10:00:00"),
      "A highlighted sentence of ordinary length. ".repeat(4),
    );
    const n = Math.ceil(50_000_000 / Buffer.byteLength(one));
    async function* big() {
      const block = Buffer.from(one.repeat(500));
      for (let i = 0; i < n; i += 500) yield block;
    }
    let count = 0;
    let peakHeap = 0;
    for await (const row of readKindleClippings(big(), { maxBytes: 64 * 1024 * 1024 })) {
      if ("clipping" in row) count++;
      if (count % 20_000 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }
    expect(count).toBe(Math.ceil(n / 500) * 500);
    // Nothing accumulates: the heap stays far below the file's size.
    expect(peakHeap).toBeLessThan(200 * 1024 * 1024);
  }, 60_000);
});

describe("re-imports and edits", () => {
  it("gives a grown file the same keys for the old entries, so only the new ones are new", async () => {
    const first =
      entry("B (A)", meta("1-2", "10:00:00"), "one") + entry("B (A)", meta("5-6", "10:01:00"), "two");
    const grown = first + entry("B (A)", meta("9-9", "11:00:00"), "three");
    const a = await readAll(first.replace(/\n/g, "\r\n"));
    const b = await readAll(`\uFEFF${grown}`, 3);
    const old = new Set(a.clippings.map((c) => c.key));
    expect(b.clippings.filter((c) => !old.has(c.key)).map((c) => c.text)).toEqual(["three"]);
  });

  it("keeps the latest version of a highlight made larger or smaller, the earlier ones as history", async () => {
    const file =
      entry("B (A)", meta("10-11", "10:00:00"), "the quick brown fox") +
      entry("B (A)", meta("10-12", "10:05:00"), "the quick brown fox jumps over") +
      entry("B (A)", meta("11-12", "10:09:00"), "brown fox jumps") +
      entry("B (A)", meta("12-12", "10:10:00"), "an unrelated highlight sharing a location") +
      entry("Other (A)", meta("10-11", "10:11:00"), "the quick brown fox") +
      entry("B (A)", meta("12", "10:12:00", "Note"), "my note") +
      entry("B (A)", meta("500", "10:13:00", "Note"), "a note with no highlight") +
      entry("B (A)", meta("10-11", "10:00:00"), "the quick brown fox");
    const { clippings } = await readAll(file);
    const o = organizeClippings(clippings);
    expect(o.duplicates).toBe(1);
    const main = o.highlights.find((h) => h.highlight.book.title === "B" && h.history.length > 0)!;
    expect(main.highlight.text).toBe("brown fox jumps");
    expect(main.history.map((x) => x.text)).toEqual([
      "the quick brown fox",
      "the quick brown fox jumps over",
    ]);
    expect(o.highlights.map((h) => `${h.highlight.book.title}:${h.highlight.text}`)).toEqual([
      "B:brown fox jumps",
      "B:an unrelated highlight sharing a location",
      "Other:the quick brown fox",
    ]);
    expect(o.highlights.flatMap((h) => h.notes.map((n) => n.text))).toEqual(["my note"]);
    expect(o.notes.map((n) => n.text)).toEqual(["a note with no highlight"]);
  });
});
