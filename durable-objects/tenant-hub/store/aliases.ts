/**
 * Inbound v5 topic aliases (client → hub), per connection. Kept in SQLite because a client may
 * use an alias it set before the hub hibernated.
 */
export class AliasStore {
  private readonly cache = new Map<string, Map<number, string>>();

  constructor(private readonly sql: SqlStorage) {}

  private forConn(connId: string): Map<number, string> {
    let map = this.cache.get(connId);
    if (!map) {
      map = new Map(
        this.sql
          .exec<{ alias: number; topic: string }>("SELECT alias, topic FROM inbound_aliases WHERE conn_id = ?", connId)
          .toArray()
          .map((r) => [r.alias, r.topic]),
      );
      this.cache.set(connId, map);
    }
    return map;
  }

  get(connId: string, alias: number): string | undefined {
    return this.forConn(connId).get(alias);
  }

  set(connId: string, alias: number, topic: string): void {
    const map = this.forConn(connId);
    if (map.get(alias) === topic) return;
    map.set(alias, topic);
    this.sql.exec("INSERT INTO inbound_aliases (conn_id, alias, topic) VALUES (?, ?, ?) ON CONFLICT(conn_id, alias) DO UPDATE SET topic = excluded.topic", connId, alias, topic);
  }

  drop(connId: string): void {
    this.cache.delete(connId);
    this.sql.exec("DELETE FROM inbound_aliases WHERE conn_id = ?", connId);
  }
}
