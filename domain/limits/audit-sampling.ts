/**
 * Bounds what unauthenticated callers can write into a tenant's audit log (failed logins naming
 * the tenant, bad `sky_{tenant}_…` keys, …). Per tenant, action and outcome, a window opens with
 * the first event: its first `individually` events are written as they come (so a lone failure
 * shows up at once, with its details), the rest are only counted, with a few samples, and the
 * window closes into one aggregate row carrying the total. So a flood costs a tenant at most
 * `individually + 1` rows per action and window, whatever its size. Pure; the AuthAuditSampler
 * Durable Object keeps the state and closes windows with an alarm.
 */
import { z } from "zod";

const SAMPLES_PER_KIND = 5;
/** Attacker-chosen strings (emails, key ids, addresses) are cut to this many characters. */
const MAX_SAMPLE_CHARS = 64;

export const AuditSamplingPolicy = z.object({ individually: z.number().int().nonnegative(), windowMs: z.number().int().positive() });
export type AuditSamplingPolicy = z.infer<typeof AuditSamplingPolicy>;
export const DEFAULT_AUDIT_SAMPLING: AuditSamplingPolicy = { individually: 5, windowMs: 60_000 };

export const AuditSample = z.object({ email: z.string().optional(), actorId: z.string().optional(), ip: z.string().optional() });
export type AuditSample = z.infer<typeof AuditSample>;

type SamplingWindow = {
  action: string;
  outcome: string;
  start: number;
  /** Fixed when the window opens, so a policy change never strands an open window. */
  closesAt: number;
  individually: number;
  total: number;
  samples: { emails: string[]; actorIds: string[]; ips: string[] };
};
export type SamplingState = Record<string, SamplingWindow>;

export const truncate = (s: string, max = MAX_SAMPLE_CHARS) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

function addSample(list: string[], value: string | undefined): void {
  if (value === undefined || list.length >= SAMPLES_PER_KIND) return;
  const v = truncate(value);
  if (!list.includes(v)) list.push(v);
}

/** Counts one event; `true` when the caller should write it as its own row. */
export function admitEvent(state: SamplingState, action: string, outcome: string, sample: AuditSample, policy: AuditSamplingPolicy, now: number): boolean {
  const key = `${action}\u0000${outcome}`;
  const w = (state[key] ??= { action, outcome, start: now, closesAt: now + policy.windowMs, individually: policy.individually, total: 0, samples: { emails: [], actorIds: [], ips: [] } });
  w.total++;
  if (w.total <= w.individually) return true;
  addSample(w.samples.emails, sample.email);
  addSample(w.samples.actorIds, sample.actorId);
  addSample(w.samples.ips, sample.ip);
  return false;
}

/** When the oldest open window is due to close, or null when none is open. */
export function nextClose(state: SamplingState): number | null {
  const due = Object.values(state).map((w) => w.closesAt);
  return due.length ? Math.min(...due) : null;
}

export type AggregateRow = {
  action: string;
  outcome: string;
  details: { aggregated: true; count: number; recordedIndividually: number; summarized: number; windowStart: number; windowEnd: number; sampleEmails: string[]; sampleActorIds: string[]; sampleIps: string[] };
};

/**
 * Closes every open window (called when the earliest is due: later ones close early, which keeps
 * the bound, since the next windows open after this moment) and returns the aggregate rows for
 * the windows that summarized anything. Windows whose events were all written return nothing.
 */
export function closeWindows(state: SamplingState, now: number): AggregateRow[] {
  const rows: AggregateRow[] = [];
  for (const [key, w] of Object.entries(state)) {
    delete state[key];
    if (w.total <= w.individually) continue;
    rows.push({
      action: w.action,
      outcome: w.outcome,
      details: {
        aggregated: true,
        count: w.total,
        recordedIndividually: w.individually,
        summarized: w.total - w.individually,
        windowStart: w.start,
        windowEnd: now,
        sampleEmails: w.samples.emails,
        sampleActorIds: w.samples.actorIds,
        sampleIps: w.samples.ips,
      },
    });
  }
  return rows;
}
