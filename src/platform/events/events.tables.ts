/** The events table: the transactional record of domain events, relayed after commit. */
export interface EventsTable {
  id: string;
  name: string;
  aggregate_id: string;
  owner_id: string | null;
  /** The payload as JSON text. */
  payload: string;
  created_at: string;
  /** When the relay handed it on; null until then. Kept a while after, for clients catching up. */
  published_at: string | null;
}

export interface EventTables {
  events: EventsTable;
}
