/** Telemetry for the isolation fixtures: one stored point, one rejected message, one dead letter. */
import { api, expectOk } from "../helpers";
import { deviceTelemetry, runBatch, runDeadLetters } from "./helpers";

export type TelemetryFixture = { telemetryValue: number; rejectedMsgId: string; deadLetterId: string };

/** `value` tells the tenants apart: same device id and metric name, different numbers. */
export async function seedTelemetry(tenantId: string, token: string, value: number): Promise<TelemetryFixture> {
  const rejected = deviceTelemetry(tenantId, "dev-1", "{not json");
  await runBatch([deviceTelemetry(tenantId, "dev-1", { ts: Date.now() - 60_000, values: { temp: value } }), rejected]);
  await runDeadLetters([{ body: deviceTelemetry(tenantId, "dev-1", { values: { temp: value } }) }]);
  const letters = await expectOk(api("GET", "/api/v1/telemetry/dead-letters", { token }));
  return { telemetryValue: value, rejectedMsgId: rejected.msgId, deadLetterId: letters.items[0].id };
}
