/**
 * What the broker needs from the outside world, implemented by the Durable Object with its
 * bindings. Keeping these behind an interface keeps the MQTT core free of Cloudflare APIs.
 */
import type { HealthMirror } from "./health/monitor";
import type { HealthInputs } from "./health/store";
import type { MqttAbuseReason } from "../../domain/limits/mqtt-cooldown";
import type { PlanLimits } from "../../domain/plans";
import type { TelemetryEnvelope } from "../../domain/telemetry/envelope";
import type { HubPrincipal } from "./principal";

export type ConnectCredentials = {
  clientId: string;
  username?: string;
  password?: Uint8Array;
  assignedClientId: boolean;
  /** SHA-256 fingerprint of a client certificate Cloudflare verified at the edge (mTLS), as the Worker forwarded it. */
  clientCertificate?: string;
};

export type AuthOutcome =
  | { ok: true; principal: HubPrincipal; mountpoint: string; /** Devices: where their health policy comes from. */ health?: HealthInputs }
  | { ok: false; reason: "bad_credentials" | "not_authorized" | "client_id_invalid" | "tenant_unavailable"; detail: string };

export type HubAuditEvent = {
  actorType: "device" | "api_key" | "user" | "anonymous";
  actorId: string | null;
  action: string;
  outcome: "success" | "denied" | "failure";
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
};

export interface BrokerEffects {
  now(): number;
  authenticate(credentials: ConnectCredentials): Promise<AuthOutcome>;
  /** The tenant's effective plan limits (cached by the implementation). */
  limits(): PlanLimits;
  audit(event: HubAuditEvent): void;
  presence(deviceId: string, status: "online" | "offline" | null): void;
  /** A device reported on `…/ota/status` (ota/reports.ts checks and records it). */
  otaReported(deviceId: string, payload: Uint8Array): void;
  /** A device's health state changed (health/monitor.ts): mirror it to the registry. */
  healthChanged(deviceId: string, mirror: HealthMirror): void;
  /** Hands a telemetry envelope to the queue (batched); resolves once the queue accepted it. */
  handOffTelemetry(envelope: TelemetryEnvelope, size: number): Promise<void>;
  /** A client was thrown out for abuse, or its address keeps failing to authenticate: the edge cools the address down. */
  reportAbuse(report: { clientId: string; address: string | undefined; reason: MqttAbuseReason }): void;
  /** A client from a cooled-down address behaved: the edge may forget the address's cool-down. */
  pardonAddress(address: string, connectedAt: number): void;
  /** Something with a deadline changed (keep-alive, will delay, session expiry): re-plan the alarm. */
  reschedule(): void;
}
