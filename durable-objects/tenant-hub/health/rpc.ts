/**
 * The Worker's calls into the hub's fleet health (RPC is a boundary: every call is validated).
 * The Worker has already checked the device belongs to the tenant and the caller's role.
 */
import { z } from "zod";
import { HealthPolicy } from "../../../domain/health/policy";
import { DeviceId, ResourceId } from "../../../domain/ids";
import type { ConnectivityEvent, DeviceHealth } from "../../../domain/schemas/health";
import type { HealthMonitor } from "./monitor";

const Inputs = z.object({ profileId: ResourceId.nullable(), profilePolicy: HealthPolicy.nullable(), devicePolicy: HealthPolicy.nullable() });

export const HealthCall = z.discriminatedUnion("op", [
  z.object({ op: z.literal("device"), deviceId: DeviceId }),
  z.object({ op: z.literal("events"), deviceId: DeviceId, from: z.number().int(), to: z.number().int(), limit: z.number().int().min(1).max(500), beforeId: z.number().int().positive().optional() }),
  /** The device's own policy or its profile changed. */
  z.object({ op: z.literal("inputs"), deviceId: DeviceId, inputs: Inputs }),
  /** How many of these devices connected again since a time (rollouts' health gate). */
  z.object({ op: z.literal("reconnected"), deviceIds: z.array(DeviceId).max(20_000), since: z.number().int() }),
  /** A profile's policy changed: all its devices. */
  z.object({ op: z.literal("profile"), profileId: ResourceId, policy: HealthPolicy.nullable() }),
]);
export type HealthCall = z.input<typeof HealthCall>;

export type HealthCallResult = {
  device: DeviceHealth | null;
  events: ConnectivityEvent[];
  inputs: null;
  profile: { devices: number };
  reconnected: { devices: number };
};

export function runHealthCall(monitor: HealthMonitor, input: HealthCall, now: number): HealthCallResult[keyof HealthCallResult] {
  const call = HealthCall.parse(input);
  switch (call.op) {
    case "device":
      return monitor.device(call.deviceId, now);
    case "events":
      return monitor.events(call.deviceId, call.from, call.to, call.limit, call.beforeId);
    case "reconnected":
      return { devices: monitor.store.reconnectedSince(call.deviceIds, call.since) };
    case "inputs":
      monitor.inputsChanged(call.deviceId, call.inputs, now);
      return null;
    case "profile":
      return { devices: monitor.profileChanged(call.profileId, call.policy, now) };
  }
}
