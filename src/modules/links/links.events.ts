import { Type } from "@sinclair/typebox";
import { defineEvent } from "../../platform/events/event.js";
import { LINK_STATUSES } from "./links.tables.js";

const LinkRef = { linkId: Type.String() };

/** A link was saved (a new entry; saving the same article again records nothing). */
export const linkSaved = defineEvent("link.saved", Type.Object({ ...LinkRef, url: Type.String() }));
/**
 * The pipeline finished a run: `ready` (readable; `reextracted` when it had been extracted before, so
 * highlights on its text may need re-anchoring), `stored` or `failed` (with the reason in words).
 */
export const linkProcessed = defineEvent(
  "link.processed",
  Type.Object({
    ...LinkRef,
    status: LINK_STATUSES.schema(),
    error: Type.Union([Type.String(), Type.Null()]),
    reextracted: Type.Boolean(),
  }),
);
export const linkDeleted = defineEvent("link.deleted", Type.Object(LinkRef));
