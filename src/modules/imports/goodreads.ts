import type { ImportRecord, ReadingStatus } from "./import-record.js";
import { type FormatSpec, htmlToText, type RowReader, splitList } from "./row-reader.js";

/** The built-in exclusive shelves; a custom exclusive shelf is mapped by its name. */
const SHELF_STATUS: Record<string, ReadingStatus> = {
  read: "finished",
  "currently-reading": "reading",
  "to-read": "wishlist",
};

/** A custom exclusive shelf's meaning, guessed from the names people give them; otherwise a wishlist. */
function customShelfStatus(shelf: string): ReadingStatus {
  if (/dnf|did-?not-?finish|abandon|gave-?up|unfinish|quit/i.test(shelf)) return "abandoned";
  if (/pause|on-?hold|hiatus/i.test(shelf)) return "paused";
  if (/^(reading|current)/i.test(shelf)) return "reading";
  return "wishlist";
}

function mapRow(row: RowReader): ImportRecord | undefined {
  const title = row.text("Title");
  if (title === "") row.fail("Title", "the title is empty");
  const authors = [row.text("Author"), ...splitList(row.text("Additional Authors"))].filter((a) => a !== "");
  const isbn10 = row.isbn("ISBN");
  const isbn13 = row.isbn("ISBN13");
  if (isbn10?.isbn13 && isbn13?.isbn13 && isbn10.isbn13 !== isbn13.isbn13)
    row.fail("ISBN13", `ISBN ${isbn10.isbn10} and ISBN13 ${isbn13.isbn13} are different books`);
  const shelf = row.text("Exclusive Shelf").toLowerCase();
  const status = SHELF_STATUS[shelf] ?? (shelf === "" ? "wishlist" : customShelfStatus(shelf));
  const rating = row.rating("My Rating", false);
  const totalPages = row.int("Number of Pages", 0, 100_000) || undefined;
  const dateRead = row.date("Date Read");
  const dateAdded = row.date("Date Added");
  const readCount = row.int("Read Count", 0, 10_000);
  const review = htmlToText(row.text("My Review"));
  const shelves = splitList(row.text("Bookshelves")).filter((s) => !(s.toLowerCase() in SHELF_STATUS));
  if (shelf !== "" && !(shelf in SHELF_STATUS) && !shelves.includes(shelf)) shelves.unshift(shelf);
  if (row.problems.length > 0) return undefined;
  const record: ImportRecord = {
    source: "goodreads",
    line: row.line,
    title,
    authors,
    status,
    readDates: dateRead ? [{ end: dateRead }] : [],
    shelves,
  };
  const externalId = row.text("Book Id");
  if (externalId !== "") record.externalId = externalId;
  const isbns = { ...isbn13, ...isbn10 };
  if (isbns.isbn10) record.isbn10 = isbns.isbn10;
  if (isbns.isbn13) record.isbn13 = isbns.isbn13;
  if (totalPages !== undefined) record.totalPages = totalPages;
  if (rating !== undefined) record.rating = rating;
  if (review !== "") record.review = review;
  if (dateAdded) record.dateAdded = dateAdded;
  if (readCount !== undefined) record.readCount = readCount;
  return record;
}

/** The Goodreads library export ("Export Library" CSV), 2023+ and older variants. */
export const goodreadsFormat: FormatSpec = {
  format: "goodreads",
  label: "Goodreads",
  required: ["Book Id", "Title", "Author", "ISBN", "ISBN13", "My Rating", "Exclusive Shelf"],
  mapRow,
};
