// A realistic `My Clippings.txt` of any size for the bench: the real files' book title lines and highlight
// texts (plus corpus sentences), headers in the device languages and firmware forms the parser's tests use,
// notes typed on highlights, bookmarks, highlights re-made larger, CRLF and a BOM like a real device file.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pick, rng, type Sentence, SHARED_DATA } from "./notes-corpus.js";

const EN_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const EN_MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const ES_DAYS = ["domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"];
const ES_MONTHS = [
  "enero",
  "febrero",
  "marzo",
  "abril",
  "mayo",
  "junio",
  "julio",
  "agosto",
  "septiembre",
  "octubre",
  "noviembre",
  "diciembre",
];
const DE_DAYS = ["Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"];
const DE_MONTHS = [
  "Januar",
  "Februar",
  "März",
  "April",
  "Mai",
  "Juni",
  "Juli",
  "August",
  "September",
  "Oktober",
  "November",
  "Dezember",
];
const FR_DAYS = ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"];
const FR_MONTHS = [
  "janvier",
  "février",
  "mars",
  "avril",
  "mai",
  "juin",
  "juillet",
  "août",
  "septembre",
  "octobre",
  "novembre",
  "décembre",
];
const JA_DAYS = ["日", "月", "火", "水", "木", "金", "土"];
const ZH_DAYS = ["日", "一", "二", "三", "四", "五", "六"];

type Kind = "highlight" | "note" | "bookmark";
const pad = (n: number) => String(n).padStart(2, "0");

function header(style: number, kind: Kind, page: number, s: number, e: number, d: Date): string {
  const [Y, M, D, h, m, sec, wd] = [
    d.getUTCFullYear(),
    d.getUTCMonth(),
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCDay(),
  ];
  const loc = s === e ? `${s}` : `${s}-${e}`;
  const time = `${h}:${pad(m)}:${pad(sec)}`;
  switch (style) {
    case 0: {
      const w = { highlight: "Highlight", note: "Note", bookmark: "Bookmark" }[kind];
      const h12 = h % 12 === 0 ? 12 : h % 12;
      return `- Your ${w} on page ${page} | Location ${loc} | Added on ${EN_DAYS[wd]}, ${EN_MONTHS[M]} ${D}, ${Y} ${h12}:${pad(m)}:${pad(sec)} ${h < 12 ? "AM" : "PM"}`;
    }
    case 1: {
      const w = { highlight: "Highlight", note: "Note", bookmark: "Bookmark" }[kind];
      const old = s === e ? `${s}` : `${s}-${String(e).slice(-2)}`;
      return `- ${w} Loc. ${old}  | Added on ${EN_DAYS[wd]}, ${D} ${EN_MONTHS[M]} ${String(Y).slice(2)} ${time} GMT+01:00`;
    }
    case 2: {
      const w = { highlight: "Tu subrayado", note: "Tu nota", bookmark: "Tu marcador" }[kind];
      return `- ${w} en la página ${page} | posición ${loc} | Añadido el ${ES_DAYS[wd]}, ${D} de ${ES_MONTHS[M]} de ${Y} ${time}`;
    }
    case 3: {
      const w = { highlight: "Ihre Markierung", note: "Ihre Notiz", bookmark: "Ihr Lesezeichen" }[kind];
      return `- ${w} auf Seite ${page} | Position ${loc} | Hinzugefügt am ${DE_DAYS[wd]}, ${D}. ${DE_MONTHS[M]} ${Y} ${time}`;
    }
    case 4: {
      const w = { highlight: "Votre surlignement", note: "Votre note", bookmark: "Votre signet" }[kind];
      return `- ${w} sur la page ${page} | emplacement ${loc} | Ajouté le ${FR_DAYS[wd]} ${D} ${FR_MONTHS[M]} ${Y} ${time}`;
    }
    case 5: {
      const w = { highlight: "ハイライト", note: "メモ", bookmark: "ブックマーク" }[kind];
      return `- ${page}ページ|位置No. ${loc}の${w} |作成日: ${Y}年${M + 1}月${D}日${JA_DAYS[wd]}曜日 ${time}`;
    }
    default: {
      const w = { highlight: "标注", note: "笔记", bookmark: "书签" }[kind];
      const h12 = h % 12 === 0 ? 12 : h % 12;
      return `- 您在第 ${page} 页（位置 #${loc}）的${w} | 添加于 ${Y}年${M + 1}月${D}日星期${ZH_DAYS[wd]} ${h < 12 ? "上午" : "下午"}${h12}:${pad(m)}:${pad(sec)}`;
    }
  }
}

function realTitles(): string[] {
  const dir = path.join(SHARED_DATA, "imports/kindle");
  const titles = new Set<string>();
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".txt"))) {
    for (const entry of readFileSync(path.join(dir, f), "utf8").split(/^==========\r?$/m)) {
      const t = entry
        .replace(/^\uFEFF/, "")
        .trim()
        .split(/\r?\n/)[0]
        ?.trim();
      if (t) titles.add(t);
    }
  }
  return [...titles];
}

/** `n` entries (about 5% notes, 3% bookmarks, 3% re-made highlights), deterministic for a seed. */
export function generateClippingsFile(n: number, sentences: readonly Sentence[], seed = 7): string {
  const r = rng(seed);
  const real = realTitles();
  const books = Array.from({ length: 150 }, (_, i) => {
    const style = i % 7;
    const title =
      i < real.length
        ? real[i]!
        : `${pick(r, sentences).text.split(" ").slice(0, 4).join(" ")} (Author ${i})`;
    return { title, style, loc: 100 + Math.floor(r() * 500), page: 1 + Math.floor(r() * 20) };
  });
  const lines: string[] = [];
  let time = Date.UTC(2019, 0, 1);
  let last: { book: (typeof books)[number]; s: number; e: number; text: string } | undefined;
  for (let i = 0; i < n; i++) {
    time += 60_000 + Math.floor(r() * 3_600_000);
    const when = new Date(time);
    const roll = r();
    let kind: Kind = "highlight";
    let book = pick(r, books);
    let s: number;
    let e: number;
    let text: string;
    if (roll < 0.05 && last) {
      kind = "note";
      book = last.book;
      s = e = last.e;
      text = pick(r, sentences).text;
    } else if (roll < 0.08) {
      kind = "bookmark";
      s = e = book.loc;
      text = "";
    } else if (roll < 0.11 && last) {
      // The last highlight, made larger.
      book = last.book;
      s = last.s;
      e = last.e + 2;
      text = `${last.text} ${pick(r, sentences).text}`;
    } else {
      const len = 1 + Math.floor(r() * 4);
      book.loc += 3 + Math.floor(r() * 40);
      book.page = Math.max(book.page, Math.floor(book.loc / 15));
      s = book.loc;
      e = book.loc + len;
      text = Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(r, sentences).text).join(" ");
    }
    if (kind === "highlight") last = { book, s, e, text };
    lines.push(book.title, header(book.style, kind, book.page, s, e, when), "", text, "==========");
  }
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
