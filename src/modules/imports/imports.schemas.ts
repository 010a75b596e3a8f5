import { Type } from "@sinclair/typebox";

export const ImportQuery = Type.Object(
  {
    dryRun: Type.Boolean({
      default: false,
      description: "Report what the import would create and update without writing anything",
    }),
  },
  { additionalProperties: false },
);

const Problem = Type.Object({
  line: Type.Integer({ description: "1-based line of the file where the row starts (1: the header)" }),
  field: Type.Optional(Type.String({ description: "The column" })),
  message: Type.String(),
});

const Outcome = Type.Object({
  line: Type.Integer(),
  title: Type.String(),
  action: Type.Union([Type.Literal("created"), Type.Literal("updated"), Type.Literal("unchanged")]),
  bookId: Type.Union([Type.String(), Type.Null()], {
    description: "The book created or matched; null for one a dry run would create",
  }),
  changes: Type.Array(Type.String(), { description: "For updates: what was filled in or added" }),
});

export const ImportReport = Type.Object(
  {
    format: Type.Union([Type.Literal("goodreads"), Type.Literal("storygraph")]),
    dryRun: Type.Boolean(),
    rows: Type.Integer({ description: "Data rows read, usable or not" }),
    created: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
    rowsWithProblems: Type.Integer({ description: "Rows refused (each has at least one problem)" }),
    problemCount: Type.Integer({ description: "Every problem found; `problems` lists the first 1000" }),
    problems: Type.Array(Problem),
    results: Type.Array(Outcome, { description: "One per usable row, in file order; the first 1000" }),
    resultsOmitted: Type.Integer({ description: "Outcomes not listed past the first 1000" }),
  },
  { $id: "ImportReport" },
);

export const CsvBody = Type.Unsafe<unknown>({
  type: "string",
  format: "binary",
  description:
    "The export file as the raw request body (`Content-Type: text/csv`), streamed: Goodreads " +
    '"Export Library" or StoryGraph "Export StoryGraph Library" CSV, UTF-8. Columns are found by name.',
});
