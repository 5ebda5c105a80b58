/**
 * What the tenant hub calls when it throws a client out for abuse, or sees one behave: the
 * address's MqttCooldown, reached by name. Both are called from `waitUntil` after the hub has
 * acted on its own (closed the socket, kept its own per-client-id cool-down), so they never throw:
 * a cool-down that could not be recorded is logged and the hub carries on.
 *
 * `address` is the bucket the Worker forwarded in `CLIENT_ADDRESS_HEADER` (already an
 * `addressBucket`; bucketing it again would turn an IPv6 /64 into "unknown").
 */
import { z } from "zod";
import { TenantId } from "../../domain/ids";
import { AddressBucket, MqttAbuseReason, MqttCooldownPolicy, mqttCooldownName } from "../../domain/limits/mqtt-cooldown";
import type { MqttCooldown, MqttPenalty } from "./cooldown";
import { createLogger, errorFields } from "../../domain/log";

const log = createLogger({ component: "mqtt-cooldown" });

const Report = z.object({
  tenantId: TenantId,
  address: AddressBucket,
  clientId: z.string().max(65_535),
  reason: MqttAbuseReason,
  /** Absent: the default policy (tests pass a short one). */
  policy: MqttCooldownPolicy.optional(),
});
const Pardon = z.object({
  tenantId: TenantId,
  address: AddressBucket,
  /** When the well-behaved client connected; a client connected before the last penalty pardons nothing. */
  connectedAt: z.number().int().nonnegative().optional(),
});

function logFailure(message: string, args: { tenantId?: unknown; address?: unknown }, err: unknown): void {
  log.error(message, { tenant: String(args?.tenantId).slice(0, 64), address: String(args?.address).slice(0, 64), ...errorFields(err) });
}

/** Penalizes the address in its tenant; the penalty, or null when it could not be recorded. */
export async function reportMqttAbuse(ns: DurableObjectNamespace<MqttCooldown>, args: z.input<typeof Report>): Promise<MqttPenalty | null> {
  try {
    const { tenantId, address, clientId, reason, policy } = Report.parse(args);
    return await ns.getByName(mqttCooldownName(tenantId, address)).penalize({ reason, clientId, ...(policy ? { policy } : {}) });
  } catch (err) {
    logFailure("mqtt abuse report failed", args, err);
    return null;
  }
}

/** Forgets the address's cool-down in its tenant; whether the object was reached. */
export async function pardonMqttAddress(ns: DurableObjectNamespace<MqttCooldown>, args: z.input<typeof Pardon>): Promise<boolean> {
  try {
    const { tenantId, address, connectedAt } = Pardon.parse(args);
    await ns.getByName(mqttCooldownName(tenantId, address)).pardon(connectedAt === undefined ? {} : { connectedAt });
    return true;
  } catch (err) {
    logFailure("mqtt pardon failed", args, err);
    return false;
  }
}
