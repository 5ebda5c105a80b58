/**
 * The FirmwareRollout Workflow's calls into the hub (RPC is a boundary: every call is checked).
 * The Workflow has already resolved the devices inside the tenant; the hub only publishes.
 */
import { z } from "zod";
import { DeviceId, ResourceId } from "../../../domain/ids";
import { OtaNotice, RolloutEvent } from "../../../domain/schemas/rollouts";
import type { Broker } from "../broker";
import { publishFromPlatform } from "../platform-publish";
import { currentNotice, publishNotice } from "./notices";

export const OtaCall = z.discriminatedUnion("op", [
  z.object({ op: z.literal("notify"), notices: z.array(z.object({ deviceId: DeviceId, notice: OtaNotice })).max(1000) }),
  /** Takes down the notices of one rollout (canceled, timed out); a newer rollout's notice stays. */
  z.object({ op: z.literal("withdraw"), rolloutId: ResourceId, deviceIds: z.array(DeviceId).max(10_000) }),
  z.object({ op: z.literal("event"), event: RolloutEvent }),
]);
export type OtaCall = z.input<typeof OtaCall>;

export function runOtaCall(broker: Broker, input: OtaCall): { published: number } {
  const call = OtaCall.parse(input);
  switch (call.op) {
    case "notify":
      for (const { deviceId, notice } of call.notices) publishNotice(broker, deviceId, notice);
      return { published: call.notices.length };
    case "withdraw": {
      let published = 0;
      for (const deviceId of call.deviceIds) {
        if (currentNotice(broker, deviceId)?.rolloutId !== call.rolloutId) continue;
        publishNotice(broker, deviceId, null);
        published++;
      }
      return { published };
    }
    case "event":
      publishFromPlatform(broker, { topic: `t/${broker.tenantId}/rollouts/${call.event.rolloutId}`, payload: JSON.stringify(call.event), qos: 1, retain: true });
      return { published: 1 };
  }
}
