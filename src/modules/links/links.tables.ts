import { type EnumValue, enumeration } from "../../platform/enum.js";
import { CHANNELS } from "../text/text.tables.js";
import type { Instant } from "../users/users.tables.js";

/** Where a saved link came from: a text channel (or the API), or a file import. */
export const LINK_SOURCES = enumeration([...CHANNELS, "import"]);
export type LinkSource = EnumValue<typeof LINK_SOURCES>;

/**
 * Where a link is in the pipeline: `pending` (waiting for its fetch), `fetching`, `extracting`, `ready`
 * (readable), `stored` (kept, but not an article: a PDF, an image), `failed` (the error says why).
 */
export const LINK_STATUSES = enumeration(["pending", "fetching", "extracting", "ready", "stored", "failed"]);
export type LinkStatus = EnumValue<typeof LINK_STATUSES>;

/** A saved link, its pipeline state, its article and its reading state. */
export interface LinksTable {
  id: string;
  owner_id: string;
  /** As saved (after trimming). */
  url: string;
  /** The address the entry is known by: tracking parameters gone, the page's same-site canonical taken. */
  canonical_url: string;
  /** Host without `www.`. */
  site: string;
  status: LinkStatus;
  error: string | null;
  error_code: string | null;
  attempts: number;
  raw_blob: string | null;
  content_type: string | null;
  raw_bytes: number | null;
  /** The address that answered, after redirects. */
  fetched_url: string | null;
  title: string | null;
  byline: string | null;
  site_name: string | null;
  published_at: string | null;
  lang: string | null;
  dir: string | null;
  excerpt: string | null;
  lead_image: string | null;
  word_count: number | null;
  reading_minutes: number | null;
  method: string | null;
  extractor_version: number | null;
  content_html: string | null;
  content_text: string | null;
  images_count: number;
  images_bytes: number;
  images_skipped: number;
  comment: string | null;
  source: LinkSource;
  read_at: Instant | null;
  archived_at: Instant | null;
  /** 0 or 1. */
  favourite: number;
  /** Share of the article read, 0–1. */
  progress: number;
  notify_key: string | null;
  notified_at: Instant | null;
  fetched_at: Instant | null;
  extracted_at: Instant | null;
  created_at: Instant;
  updated_at: Instant;
}

export interface LinkTagsTable {
  link_id: string;
  owner_id: string;
  tag: string;
  tag_key: string;
}

export interface LinkImagesTable {
  link_id: string;
  url: string;
  blob_key: string;
  content_type: string;
  bytes: number;
}

export interface LinksTables {
  links: LinksTable;
  link_tags: LinkTagsTable;
  link_images: LinkImagesTable;
}
