import { compactIsbn } from "../books/isbn.js";
import type { ImportRecord, ReadingStatus } from "./import-record.js";
import { type FormatSpec, parseDateRanges, type RowReader, splitList } from "./row-reader.js";

const READ_STATUS: Record<string, ReadingStatus> = {
  "to-read": "wishlist",
  "currently-reading": "reading",
  read: "finished",
  "did-not-finish": "abandoned",
  paused: "paused",
};

function mapRow(row: RowReader): ImportRecord | undefined {
  const title = row.text("Title");
  if (title === "") row.fail("Title", "the title is empty");
  const authors = splitList(row.text("Authors"));
  const rawStatus = row.text("Read Status").toLowerCase();
  const status = READ_STATUS[rawStatus];
  if (!status)
    row.fail(
      "Read Status",
      `${JSON.stringify(rawStatus)} is not a StoryGraph read status (${Object.keys(READ_STATUS).join(", ")})`,
    );
  // ISBN/UID holds an ISBN when StoryGraph knows one, else its own id: only ISBN-shaped values are validated.
  const uid = row.text("ISBN/UID");
  const isbnShaped = /^(97[89])?\d{9}[\dX]$/i.test(compactIsbn(uid));
  const isbns = isbnShaped ? row.isbn("ISBN/UID", uid) : undefined;
  const rating = row.rating("Star Rating", true);
  const dateAdded = row.date("Date Added");
  const openEnded = status === "reading" || status === "paused";
  let readDates = parseDateRanges(row, row.has("Dates Read") ? "Dates Read" : "Last Date Read", openEnded);
  if (readDates.length === 0 && row.has("Dates Read")) {
    const last = row.date("Last Date Read");
    if (last) readDates = [{ end: last }];
  }
  const readCount = row.int("Read Count", 0, 10_000);
  const review = row.text("Review").replace(/\r\n?/g, "\n");
  const shelves = splitList(row.text("Tags"));
  if (row.problems.length > 0 || !status) return undefined;
  const record: ImportRecord = {
    source: "storygraph",
    line: row.line,
    title,
    authors,
    status,
    readDates,
    shelves,
  };
  if (uid !== "" && !isbnShaped) record.externalId = uid;
  if (isbns?.isbn10) record.isbn10 = isbns.isbn10;
  if (isbns?.isbn13) record.isbn13 = isbns.isbn13;
  if (rating !== undefined) record.rating = rating;
  if (review !== "") record.review = review;
  if (dateAdded) record.dateAdded = dateAdded;
  if (readCount !== undefined) record.readCount = readCount;
  return record;
}

/** The StoryGraph export ("Export StoryGraph Library" CSV). */
export const storygraphFormat: FormatSpec = {
  format: "storygraph",
  label: "StoryGraph",
  required: ["Title", "Authors", "ISBN/UID", "Read Status", "Star Rating"],
  mapRow,
};
