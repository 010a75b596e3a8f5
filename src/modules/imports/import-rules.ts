/**
 * The API's rules applied to a record read from a CSV export before it is merged (issue 11, item 2: an
 * import stores only what the API itself would). Each problem names the file's column.
 */
import { futureDateProblem } from "../../platform/local-date.js";
import { AUTHOR_MAX, AUTHORS_MAX, TITLE_MAX } from "../books/books.schemas.js";
import {
  EXTERNAL_ID_MAX,
  type ImportFormat,
  type ImportProblem,
  type ImportRecord,
  REVIEW_MAX,
} from "./import-record.js";

/** The column each checked field comes from, per export. */
const COLUMNS: Record<
  ImportFormat,
  Record<"title" | "authors" | "id" | "review" | "read" | "added", string>
> = {
  goodreads: {
    title: "Title",
    authors: "Author",
    id: "Book Id",
    review: "My Review",
    read: "Date Read",
    added: "Date Added",
  },
  storygraph: {
    title: "Title",
    authors: "Authors",
    id: "ISBN/UID",
    review: "Review",
    read: "Dates Read",
    added: "Date Added",
  },
};

/** What the API would refuse in `rec`, for an owner in `zone` at `now`; empty when it may be imported. */
export function recordProblems(rec: ImportRecord, zone: string, now: Date): ImportProblem[] {
  const col = COLUMNS[rec.source];
  const problems: ImportProblem[] = [];
  const fail = (field: string, message: string) => problems.push({ line: rec.line, field, message });
  if (rec.title.length > TITLE_MAX) fail(col.title, `the title is longer than ${TITLE_MAX} characters`);
  if (rec.authors.length > AUTHORS_MAX) fail(col.authors, `more than ${AUTHORS_MAX} authors`);
  if (rec.authors.some((a) => a.length > AUTHOR_MAX))
    fail(col.authors, `an author's name is longer than ${AUTHOR_MAX} characters`);
  if (rec.externalId && rec.externalId.length > EXTERNAL_ID_MAX)
    fail(col.id, `the id is longer than ${EXTERNAL_ID_MAX} characters`);
  if (rec.review && rec.review.length > REVIEW_MAX)
    fail(col.review, `the review is longer than ${REVIEW_MAX} characters`);
  const days = rec.readDates.flatMap((d) => [d.start, d.end]);
  for (const day of days) {
    const problem = day ? futureDateProblem(day, zone, now) : undefined;
    if (problem) {
      fail(col.read, problem);
      break;
    }
  }
  const added = rec.dateAdded ? futureDateProblem(rec.dateAdded, zone, now) : undefined;
  if (added) fail(col.added, added);
  return problems;
}
