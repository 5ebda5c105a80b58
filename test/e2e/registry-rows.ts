/**
 * Rows written into the running platform's local D1 with `wrangler d1 execute --local`, for states
 * that take the platform minutes to reach by itself: a dead letter is a message that failed five
 * queue deliveries with backoff (about five minutes). The row is the one the dead-letter consumer
 * writes; everything after it — the console, the API, the re-drive through the real queue — runs
 * for real.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { inject } from "vitest";
// @ts-expect-error: plain ESM helper shared with scripts/dev.mjs
import { ROOT, wranglerEnv } from "../../scripts/platform.mjs";

const quote = (v: string | number) => (typeof v === "number" ? String(v) : `'${v.replace(/'/g, "''")}'`);

export function plantDeadLetter(tenant: string, row: { id: string; msgId: string; topic: string; envelope: unknown; deadAt?: number }): void {
  const now = row.deadAt ?? Date.now();
  const values = [tenant, row.id, `q-${row.id}`, "envelope", row.msgId, row.topic, now, 6, JSON.stringify(row.envelope), "dead", now].map(quote).join(", ");
  const sql = `INSERT INTO dead_letters (tenant_id, id, queue_message_id, kind, msg_id, topic, received_at, attempts, body, status, dead_at) VALUES (${values})`;
  const r = spawnSync(join(ROOT, "node_modules", ".bin", "wrangler"), ["d1", "execute", "REGISTRY", "--local", "--persist-to", inject("platformState"), "--command", sql], { cwd: ROOT, env: wranglerEnv(), encoding: "utf8", input: "" });
  if (r.status !== 0) throw new Error(`planting a dead letter failed:\n${r.stdout}\n${r.stderr}`);
}
