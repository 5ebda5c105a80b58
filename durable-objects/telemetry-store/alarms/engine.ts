/**
 * Alarm evaluation inside the hot store. The ingest transaction hands over the points it has
 * just inserted (never those of a message the ledger already knew), in arrival order; the engine
 * runs each rule that watches the point's device over them, keeps the per-(rule, device) state
 * in SQLite and opens or clears alarms, all in that same transaction. Rules are held in memory
 * and replaced only by a push from the API (`replaceRules`), so no reading costs a D1 query.
 */
import { afterManualClear, evaluate, INITIAL_STATE, silenceDeadline, silenceDue, type RuleState } from "../../../domain/alarms/evaluate";
import { inScope, type DeviceScope } from "../../../domain/alarms/scope";
import { AlarmRule } from "../../../domain/schemas/alarms";
import type { StoredPoint } from "../rpc";
import { readMeta, writeMeta } from "../schema";
import { closeAlarm, openAlarm } from "./records";

const SYSTEM = "system";

type StateKey = string;
const keyOf = (ruleId: string, device: string): StateKey => `${ruleId}\u0000${device}`;

export class AlarmEngine {
  private rules: AlarmRule[] | null = null;

  constructor(private readonly sql: SqlStorage) {}

  private loaded(): AlarmRule[] {
    this.rules ??= this.sql
      .exec<{ body: string }>("SELECT body FROM alarm_rules")
      .toArray()
      .map((r) => AlarmRule.parse(JSON.parse(r.body)));
    return this.rules;
  }

  /**
   * Replaces the rule set (a push from the API after a change). A push older than the one held is
   * ignored, so two changes racing each other cannot leave the store with the stale set. A rule
   * whose condition changed starts learning afresh (its open alarms stay until cleared).
   */
  replaceRules(rules: AlarmRule[], version: number): boolean {
    if (version < Number(readMeta(this.sql, "alarm_rules_version") ?? 0)) return false;
    const before = new Map(this.loaded().map((r) => [r.id, JSON.stringify(r.condition)]));
    const ids = new Set(rules.map((r) => r.id));
    for (const id of before.keys()) {
      if (!ids.has(id)) {
        this.sql.exec("DELETE FROM alarm_rules WHERE id = ?", id);
        this.sql.exec("DELETE FROM alarm_state WHERE rule_id = ?", id);
      }
    }
    for (const rule of rules) {
      this.sql.exec("INSERT INTO alarm_rules (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body", rule.id, JSON.stringify(rule));
      const old = before.get(rule.id);
      if (old !== undefined && old !== JSON.stringify(rule.condition)) this.sql.exec("DELETE FROM alarm_state WHERE rule_id = ? AND state NOT LIKE '%\"active\":true%'", rule.id);
    }
    writeMeta(this.sql, "alarm_rules_version", String(version));
    this.rules = rules;
    return true;
  }

  /** Evaluates the inserted points; `scopes` says each device's profile and tags. */
  evaluatePoints(tenant: string, points: StoredPoint[], scopes: Map<string, DeviceScope>, now: number): void {
    const rules = this.loaded().filter((r) => r.enabled);
    if (rules.length === 0 || points.length === 0) return;
    const rulesOf = new Map<string, AlarmRule[]>();
    for (const p of points) {
      if (rulesOf.has(p.device)) continue;
      const scope = scopes.get(p.device) ?? { id: p.device, profileId: null, tags: [] };
      rulesOf.set(
        p.device,
        rules.filter((r) => inScope(r.scope, scope)),
      );
    }
    const watched = [...rulesOf].filter(([, r]) => r.length > 0).map(([d]) => d);
    if (watched.length === 0) return;
    // One statement reads every state the batch can need (per-statement overhead dominates here).
    const states = new Map<StateKey, RuleState>();
    for (const row of this.sql.exec<{ rule_id: string; device: string; state: string }>("SELECT rule_id, device, state FROM alarm_state WHERE device IN (SELECT value FROM json_each(?))", JSON.stringify(watched))) {
      states.set(keyOf(row.rule_id, row.device), JSON.parse(row.state) as RuleState);
    }
    const touched = new Map<StateKey, { rule: AlarmRule; device: string }>();

    for (const p of points) {
      for (const rule of rulesOf.get(p.device)!) {
        const c = rule.condition;
        if (c.type === "silence" ? c.metric !== undefined && c.metric !== p.metric : c.metric !== p.metric) continue;
        const key = keyOf(rule.id, p.device);
        const state = states.get(key) ?? INITIAL_STATE;
        const { state: next, transition } = evaluate(rule, state, { metric: p.metric, ts: p.ts, value: p.value, at: now });
        states.set(key, next);
        touched.set(key, { rule, device: p.device });
        if (transition?.kind === "raise") openAlarm(this.sql, tenant, rule, p.device, now, transition.value, { ...transition.details, readingTs: transition.ts });
        else if (transition?.kind === "clear") closeAlarm(this.sql, tenant, rule.id, p.device, now, SYSTEM);
      }
    }
    const rows = [...touched].map(([key, { rule, device }]) => {
      const state = states.get(key)!;
      return [rule.id, device, JSON.stringify(state), silenceDeadline(rule, state)];
    });
    // `WHERE true` lets SQLite tell the upsert clause from a join constraint.
    this.sql.exec(
      `INSERT INTO alarm_state (rule_id, device, state, silence_deadline)
       SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3 FROM json_each(?) AS r WHERE true
       ON CONFLICT (rule_id, device) DO UPDATE SET state = excluded.state, silence_deadline = excluded.silence_deadline`,
      JSON.stringify(rows),
    );
  }

  private saveState(rule: AlarmRule, device: string, state: RuleState) {
    this.sql.exec(
      `INSERT INTO alarm_state (rule_id, device, state, silence_deadline) VALUES (?, ?, ?, ?)
       ON CONFLICT (rule_id, device) DO UPDATE SET state = excluded.state, silence_deadline = excluded.silence_deadline`,
      rule.id,
      device,
      JSON.stringify(state),
      silenceDeadline(rule, state),
    );
  }

  /** Raises the silence alarms due by `now`. */
  raiseDueSilences(tenant: string, now: number): void {
    const byId = new Map(this.loaded().map((r) => [r.id, r]));
    const due = this.sql.exec<{ rule_id: string; device: string; state: string }>("SELECT rule_id, device, state FROM alarm_state WHERE silence_deadline <= ?", now).toArray();
    for (const row of due) {
      const rule = byId.get(row.rule_id);
      if (!rule || !rule.enabled) {
        this.sql.exec("UPDATE alarm_state SET silence_deadline = NULL WHERE rule_id = ? AND device = ?", row.rule_id, row.device);
        continue;
      }
      const { state, transition } = silenceDue(rule, JSON.parse(row.state) as RuleState, now);
      if (transition?.kind === "raise") openAlarm(this.sql, tenant, rule, row.device, now, null, transition.details);
      this.saveState(rule, row.device, state);
    }
  }

  /** The earliest silence deadline, if any. */
  nextSilenceDeadline(): number | null {
    return this.sql.exec<{ at: number | null }>("SELECT min(silence_deadline) AS at FROM alarm_state").one().at;
  }

  /** A hand-cleared alarm: the rule starts over for that device, so a new breach opens a new alarm. */
  restartAfterManualClear(ruleId: string, device: string, now: number): void {
    const rule = this.loaded().find((r) => r.id === ruleId);
    const row = this.sql.exec<{ state: string }>("SELECT state FROM alarm_state WHERE rule_id = ? AND device = ?", ruleId, device).toArray()[0];
    if (!rule || !row) return;
    this.saveState(rule, device, afterManualClear(JSON.parse(row.state) as RuleState, now));
  }
}
