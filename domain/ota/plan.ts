/**
 * From a target's devices to a rollout's executions: which devices the artifact fits (its
 * profiles, hardware tags and delta base), which already run the version, and the wave and
 * position of every other one in the rollout's stable shuffled order.
 */
import { planWaves, rolloutOrder, type RolloutStrategy } from "./rollout";

export type TargetDevice = { id: string; profileId: string | null; tags: string[]; firmwareVersion: string | null };
export type ArtifactFit = { version: string; targets: { profiles: string[]; tags: string[] }; deltaBaseVersion: string | null };
export type PlannedExecution = { deviceId: string; wave: number; position: number; fromVersion: string | null };
export type RolloutPlan = { executions: PlannedExecution[]; waves: number; unfit: string[]; current: string[] };

/** Why an artifact does not fit a device, or null when it does. */
export function unfitReason(device: TargetDevice, fw: ArtifactFit): string | null {
  if (fw.targets.profiles.length > 0 && (device.profileId === null || !fw.targets.profiles.includes(device.profileId))) return "its profile is not one the artifact is built for";
  if (fw.targets.tags.length > 0 && !fw.targets.tags.some((t) => device.tags.includes(t))) return "it carries none of the artifact's hardware tags";
  if (fw.deltaBaseVersion !== null && device.firmwareVersion !== fw.deltaBaseVersion) return `the delta applies on ${fw.deltaBaseVersion} only`;
  return null;
}

export function planRollout(rolloutId: string, devices: readonly TargetDevice[], fw: ArtifactFit, strategy: RolloutStrategy): RolloutPlan {
  const unfit: string[] = [];
  const current: string[] = [];
  const eligible = new Map<string, TargetDevice>();
  for (const d of devices) {
    if (d.firmwareVersion === fw.version) current.push(d.id);
    else if (unfitReason(d, fw) !== null) unfit.push(d.id);
    else eligible.set(d.id, d);
  }
  const order = rolloutOrder(rolloutId, [...eligible.keys()]);
  // An exponential rollout is one wave whose pace is the rate; phases split the order.
  const waves = strategy.kind === "phases" ? planWaves(order, strategy.phases) : [order];
  const executions: PlannedExecution[] = [];
  let position = 0;
  waves.forEach((ids, wave) => {
    for (const id of ids) executions.push({ deviceId: id, wave, position: position++, fromVersion: eligible.get(id)!.firmwareVersion });
  });
  return { executions, waves: waves.length, unfit, current };
}
