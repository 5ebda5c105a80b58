/**
 * The rule form's state as the inputs hold it (strings), and the conversion both ways. Nothing is
 * judged here: the API's own schema does that on what `toRule` builds, so its messages name the
 * fields (`condition.value`, `scope.deviceId`) the form shows them on.
 */
import { ANOMALY_DEFAULTS, type AlarmCondition, type AlarmRule, type AlarmSeverity } from "../../../domain/schemas/alarms";
import type { RuleInput } from "./api";

export const CONDITION_TYPES = ["above", "below", "range", "equals", "changed", "silence", "anomaly"] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];
export const SCOPE_KINDS = ["device", "profile", "tag"] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

export type RuleDraft = {
  name: string;
  scopeKind: ScopeKind;
  scopeValue: string;
  type: ConditionType;
  metric: string;
  value: string;
  min: string;
  max: string;
  when: "outside" | "inside";
  afterSeconds: string;
  zScore: string;
  warmup: string;
  alpha: string;
  severity: AlarmSeverity;
  raiseAfter: string;
  clearAfter: string;
  durationSeconds: string;
  enabled: boolean;
};

export const EMPTY_DRAFT: RuleDraft = {
  name: "",
  scopeKind: "device",
  scopeValue: "",
  type: "above",
  metric: "",
  value: "",
  min: "",
  max: "",
  when: "outside",
  afterSeconds: "300",
  zScore: String(ANOMALY_DEFAULTS.zScore),
  warmup: String(ANOMALY_DEFAULTS.warmup),
  alpha: String(ANOMALY_DEFAULTS.alpha),
  severity: "major",
  raiseAfter: "1",
  clearAfter: "1",
  durationSeconds: "0",
  enabled: true,
};

/** A number as typed; empty stays absent so the schema says "required" rather than 0. */
const num = (s: string): number | undefined => (s.trim() === "" ? undefined : Number(s));

/** An `equals` value: true/false and numbers as themselves, anything else as text. */
function telemetryValue(s: string): number | boolean | string | undefined {
  const t = s.trim();
  if (t === "") return undefined;
  if (t === "true" || t === "false") return t === "true";
  return Number.isFinite(Number(t)) ? Number(t) : s;
}

function condition(d: RuleDraft): Record<string, unknown> {
  const metric = d.metric.trim() || undefined;
  switch (d.type) {
    case "above":
    case "below":
      return { type: d.type, metric, value: num(d.value) };
    case "range":
      return { type: "range", metric, min: num(d.min), max: num(d.max), when: d.when };
    case "equals":
      return { type: "equals", metric, value: telemetryValue(d.value) };
    case "changed":
      return { type: "changed", metric };
    case "silence":
      return { type: "silence", afterSeconds: num(d.afterSeconds), ...(metric ? { metric } : {}) };
    case "anomaly":
      return { type: "anomaly", metric, zScore: num(d.zScore), warmup: num(d.warmup), alpha: num(d.alpha) };
  }
}

function scope(d: RuleDraft): Record<string, unknown> {
  const v = d.scopeValue.trim();
  if (d.scopeKind === "device") return { kind: "device", deviceId: v };
  if (d.scopeKind === "profile") return { kind: "profile", profileId: v };
  return { kind: "tag", tag: v };
}

/** The body the API takes; deliberately unchecked (the caller validates it with the API's schema). */
export function toRule(d: RuleDraft): RuleInput {
  return {
    name: d.name,
    scope: scope(d),
    condition: condition(d),
    severity: d.severity,
    raiseAfter: num(d.raiseAfter),
    clearAfter: num(d.clearAfter),
    durationSeconds: num(d.durationSeconds),
    enabled: d.enabled,
  } as RuleInput;
}

const text = (n: number | undefined) => (n === undefined ? "" : String(n));

export function fromRule(r: AlarmRule): RuleDraft {
  const c: AlarmCondition = r.condition;
  const s = r.scope;
  return {
    ...EMPTY_DRAFT,
    name: r.name,
    scopeKind: s.kind,
    scopeValue: s.kind === "device" ? s.deviceId : s.kind === "profile" ? s.profileId : s.tag,
    type: c.type,
    metric: c.metric ?? "",
    value: c.type === "above" || c.type === "below" || c.type === "equals" ? String(c.value) : "",
    min: c.type === "range" ? text(c.min) : "",
    max: c.type === "range" ? text(c.max) : "",
    when: c.type === "range" ? c.when : "outside",
    afterSeconds: c.type === "silence" ? text(c.afterSeconds) : EMPTY_DRAFT.afterSeconds,
    zScore: c.type === "anomaly" ? text(c.zScore) : EMPTY_DRAFT.zScore,
    warmup: c.type === "anomaly" ? text(c.warmup) : EMPTY_DRAFT.warmup,
    alpha: c.type === "anomaly" ? text(c.alpha) : EMPTY_DRAFT.alpha,
    severity: r.severity,
    raiseAfter: text(r.raiseAfter),
    clearAfter: text(r.clearAfter),
    durationSeconds: text(r.durationSeconds),
    enabled: r.enabled,
  };
}

/** How a rule's condition reads in the list. */
export function conditionText(c: AlarmCondition): string {
  switch (c.type) {
    case "above":
      return `${c.metric} > ${c.value}`;
    case "below":
      return `${c.metric} < ${c.value}`;
    case "range":
      return `${c.metric} ${c.when} [${c.min}, ${c.max}]`;
    case "equals":
      return `${c.metric} = ${JSON.stringify(c.value)}`;
    case "changed":
      return `${c.metric} changed`;
    case "silence":
      return `no ${c.metric ?? "reading"} for ${c.afterSeconds} s`;
    case "anomaly":
      return `${c.metric} anomaly (z > ${c.zScore}, warmup ${c.warmup}, α ${c.alpha})`;
  }
}
