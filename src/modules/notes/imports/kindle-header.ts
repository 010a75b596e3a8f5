/**
 * The metadata line of a Kindle clipping (`- Your Highlight on page 13 | Location 292-295 | Added on …`),
 * in the languages Kindle devices write it in. Rather than one template per firmware and language (they
 * vary in word order, separators and abbreviations), the line is read by its parts: the "added" marker
 * names the language, a kind word, a page, a location (range) and the date.
 */

export type ClippingKind = "highlight" | "note" | "bookmark" | "clip";

export interface KindleHeader {
  kind: ClippingKind;
  /** The device language the line is written in (ISO 639-1, `zh-Hant` for traditional Chinese). */
  language: string;
  /** As printed: digits or roman numerals (front matter). */
  page?: string;
  location?: { start: number; end: number };
  /** Device-local time `YYYY-MM-DDTHH:MM:SS` (Kindle writes no zone, except old firmware's GMT offsets). */
  addedAt?: string;
  /** `+HH:MM` when the line names a zone (old firmware: `Greenwich Mean Time`, `GMT+01:00`). */
  utcOffset?: string;
}

// The "added on" marker of each language; what follows it is the date.
const ADDED: Array<[string, RegExp]> = [
  ["en", /\badded on\b/i],
  ["es", /\ba[ñn]adido el\b/i],
  ["fr", /\bajout[ée] le\b/i],
  ["de", /\bhinzugef[üu]gt am\b/i],
  ["it", /\baggiunto (?:in data|il)\b/i],
  ["pt", /\badicionado(?: em|:)/i],
  ["nl", /\btoegevoegd op\b/i],
  ["ru", /добавлено:?/i],
  ["ja", /(?:作成日|追加日)\s*[:：]?/],
  ["zh", /添加于/],
  ["zh-Hant", /(?:新增於|添加於)/],
  ["ko", /(?:추가됨|추가 날짜)\s*[:：]?/],
];

// All markers in one pass: the group that matched names the language.
const ADDED_ANY = new RegExp(ADDED.map(([, re]) => `(${re.source})`).join("|"), "i");

// Words naming the kind, longest and least ambiguous first (a clip before a note, a bookmark before both).
const KIND_WORDS: Array<[ClippingKind, RegExp]> = [
  [
    "clip",
    /clip this article|\byour clip\b|\brecorte\b|\bextrait\b|\bausschnitt\b|\britaglio\b|\bknipsel\b|クリップ|剪贴|剪貼|вырезка|클립/i,
  ],
  [
    "bookmark",
    /\bbookmark\b|\bmarcador\b|\bsignet\b|\blesezeichen\b|\bsegnalibro\b|\bbladwijzer\b|ブックマーク|书签|書籤|закладка|북마크/i,
  ],
  [
    "highlight",
    /\bhighlight\b|\bsubrayado\b|\bsurlign(?:ement|age)\b|\bmarkierung\b|\bevidenziazione\b|\bdestaque\b|\bmarkering\b|ハイライト|标注|標註|畫線|выделени|выделенный|하이라이트/i,
  ],
  ["note", /\bnote\b|\bnota\b|\bnotiz\b|\bnotitie\b|メモ|笔记|筆記|заметка|메모/i],
];

const PAGE: RegExp[] = [
  /\b(?:page|página|pagina|seite|strona)\s+([0-9]+|[ivxlcdm]+)\b/i,
  /(?:странице|страница)\s+([0-9]+|[ivxlcdm]+)/i,
  /第\s*([0-9]+)\s*[页頁]/,
  /([0-9]+|[ivxlcdm]+)\s*ページ/i,
  /ページ\s*([0-9]+)/,
  /([0-9]+)\s*페이지/,
];

const NUM = String.raw`\d{1,3}(?:[,.]\d{3})+|\d+`;
const LOCATION = new RegExp(
  String.raw`(?:\blocation|\bloc\.|\bposici[óo]n|\bemplacement|\bposition|\bposizione|\bposi[çc][ãa]o|\blocatie|位置\s*No\.|位置\s*#|местоположение|позиция|위치)\s*#?\s*(${NUM})(?:\s*[-–]\s*(${NUM}))?`,
  "i",
);

const MONTHS: Record<string, number> = {};
for (const list of [
  "january february march april may june july august september october november december",
  "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
  "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre",
  "januar februar marz april mai juni juli august september oktober november dezember",
  "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
  "janeiro fevereiro marco abril maio junho julho agosto setembro outubro novembro dezembro",
  "januari februari maart april mei juni juli augustus september oktober november december",
  "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
  "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь",
]) {
  list.split(" ").forEach((name, i) => {
    MONTHS[name] = i + 1;
  });
}
// Spanish `setiembre` (Latin America).
MONTHS.setiembre = 9;

const fold = (s: string) =>
  /^[a-z]*$/i.test(s)
    ? s.toLowerCase()
    : s
        .toLowerCase()
        .normalize("NFD")
        .replace(/(?<=[a-z])[\u0300-\u036f]/g, "")
        .normalize("NFC");

const pad = (n: number) => String(n).padStart(2, "0");
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function localIso(y: number, mo: number, d: number, h: number, mi: number, s: number): string | undefined {
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (mo < 1 || mo > 12 || d < 1 || d > (mo === 2 && !leap ? 28 : DAYS[mo - 1]!)) return undefined;
  if (h > 23 || mi > 59 || s > 59 || y < 2000 || y > 2200) return undefined;
  return `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}`;
}

const TIME =
  /(?:(上午|下午|午前|午後|오전|오후)\s*)?(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?(?:\s*([ap])\.?\s?m\b\.?)?/i;

function hour24(h: number, meridiem: string | undefined): number | undefined {
  if (!meridiem) return h;
  if (h < 1 || h > 12) return undefined;
  const pm = /^(p|下午|午後|오후)$/i.test(meridiem);
  return pm ? (h % 12) + 12 : h % 12;
}

function zoneOf(text: string): string | undefined {
  if (/greenwich mean time/i.test(text)) return "+00:00";
  const m = /\b(?:GMT|UTC)\s*([+-])(\d{1,2}):?(\d{2})?\b/i.exec(text);
  if (m) return `${m[1]}${pad(Number(m[2]))}:${m[3] ?? "00"}`;
  if (/\b(?:GMT|UTC)\b/.test(text)) return "+00:00";
  return undefined;
}

/** The date after the "added" marker → device-local ISO time (and offset when one is written); undefined when unreadable. */
export function parseKindleDate(text: string): { addedAt: string; utcOffset?: string } | undefined {
  const time = TIME.exec(text);
  let h = 0;
  let mi = 0;
  let s = 0;
  if (time) {
    const hh = hour24(Number(time[2]), time[1] ?? time[5]);
    if (hh === undefined) return undefined;
    h = hh;
    mi = Number(time[3]);
    s = Number(time[4] ?? 0);
  }
  const utcOffset = zoneOf(text);
  const withZone = (iso: string | undefined) =>
    iso === undefined ? undefined : utcOffset ? { addedAt: iso, utcOffset } : { addedAt: iso };
  const cjk = /(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]/.exec(text);
  if (cjk) return withZone(localIso(Number(cjk[1]), Number(cjk[2]), Number(cjk[3]), h, mi, s));
  // Western forms: a month name with the day before it (`27 novembre`, `5. März`, `6 de julio`) or after it
  // (`November 27,`), a four-digit year (or old firmware's two digits: `3 December 12`).
  const datePart = time ? text.slice(0, time.index) : text;
  const words = datePart.split(/[\s,]+/).filter((w) => w !== "" && !/^(de|del|el|le|am|den|в)$/i.test(w));
  const at = words.findIndex((w) => MONTHS[fold(w.replace(/\.$/, ""))] !== undefined);
  if (at === -1) return undefined;
  const month = MONTHS[fold(words[at]!.replace(/\.$/, ""))]!;
  const num = (w: string | undefined) =>
    w && /^\d{1,4}\.?$/.test(w) ? Number(w.replace(".", "")) : undefined;
  let day = num(words[at - 1]);
  let yearWord: string | undefined;
  if (day !== undefined && day <= 31) yearWord = words[at + 1];
  else {
    day = num(words[at + 1]);
    yearWord = words[at + 2];
  }
  if (day === undefined) return undefined;
  const yearMatch = /^(\d{4}|\d{2})\.?$/.exec(yearWord ?? "");
  if (!yearMatch) return undefined;
  const year = yearMatch[1]!.length === 2 ? 2000 + Number(yearMatch[1]) : Number(yearMatch[1]);
  return withZone(localIso(year, month, day, h, mi, s));
}

/** `1,234` / `1.234` → 1234. */
const toNumber = (s: string) => Number(s.replace(/[,.]/g, ""));

/** Old firmware writes `466-69` for 466–469: the end repeats only the digits that change. */
function locationRange(startRaw: string, endRaw: string | undefined): { start: number; end: number } {
  const start = toNumber(startRaw);
  if (endRaw === undefined) return { start, end: start };
  let end = toNumber(endRaw);
  const endDigits = String(end).length;
  if (end < start && endDigits < String(start).length) {
    const head = String(start).slice(0, String(start).length - endDigits);
    end = Number(head + String(end).padStart(endDigits, "0"));
    if (end < start) end += 10 ** endDigits;
  }
  return { start, end: Math.max(start, end) };
}

/** Reads one metadata line; a string says why it could not be read. */
export function parseKindleHeader(line: string): KindleHeader | string {
  const text = line.replace(/^\s*[-–]\s*/, "").trim();
  let language: string | undefined;
  let datePart = "";
  let rest = text;
  const m = ADDED_ANY.exec(text);
  if (m) {
    const group = m.slice(1).findIndex((g) => g !== undefined);
    language = ADDED[group]?.[0];
    datePart = text.slice(m.index + m[0].length).trim();
    rest = text.slice(0, m.index);
  }
  const kind = KIND_WORDS.find(([, re]) => re.test(rest))?.[0];
  if (!language || !kind) {
    return `the line ${JSON.stringify(line.slice(0, 200))} is not a Kindle clipping header in a language Readlog reads (English, Spanish, French, German, Italian, Portuguese, Dutch, Russian, Japanese, Chinese)`;
  }
  const header: KindleHeader = { kind, language };
  for (const re of PAGE) {
    const m = re.exec(rest);
    if (m) {
      header.page = m[1]!.toLowerCase();
      break;
    }
  }
  const loc = LOCATION.exec(rest);
  if (loc) header.location = locationRange(loc[1]!, loc[2]);
  if (datePart !== "") {
    const date = parseKindleDate(datePart);
    if (!date) return `the date ${JSON.stringify(datePart.slice(0, 100))} could not be read`;
    header.addedAt = date.addedAt;
    if (date.utcOffset) header.utcOffset = date.utcOffset;
  }
  return header;
}
