/**
 * Telemetry waiting for the queue. A QoS≥1 PUBLISH is acknowledged once its envelope is in
 * this table (the Durable Object's output gate holds the PUBACK until the write is durable);
 * a flusher then hands envelopes to the Queue in batches and deletes what was sent.
 */
export class Outbox {
  constructor(private readonly sql: SqlStorage) {}

  add(body: string, now: number): void {
    this.sql.exec("INSERT INTO outbox (body, created_at) VALUES (?, ?)", body, now);
  }

  peek(limit: number): { id: number; body: string }[] {
    return this.sql.exec<{ id: number; body: string }>("SELECT id, body FROM outbox ORDER BY id LIMIT ?", limit).toArray();
  }

  removeUpTo(id: number): void {
    this.sql.exec("DELETE FROM outbox WHERE id <= ?", id);
  }

  size(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox").one().n;
  }
}
