/** What a metadata service knows about a book; every field may be missing. */
export interface BookMetadata {
  title?: string;
  authors?: string[];
  isbn10?: string;
  isbn13?: string;
  totalPages?: number;
  coverUrl?: string;
  /** Which service answered, stored as the book's metadata_source. */
  source: string;
}

/** The MetadataLookup port: finds book metadata by ISBN or title. */
export interface MetadataLookup {
  /**
   * The best match for the ISBN (preferred) or the title; undefined when nothing matches. Throws when
   * the service fails or does not answer in time, so callers can tell "not found" from "unavailable".
   */
  find(query: { isbn13?: string; title?: string }): Promise<BookMetadata | undefined>;
}

/** A lookup that knows nothing, for when lookups are turned off. */
export const noMetadata: MetadataLookup = {
  async find() {
    return undefined;
  },
};
