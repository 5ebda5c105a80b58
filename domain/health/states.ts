/** The closed vocabularies of fleet health: states, why a device is in one, why a connection ended. */
import { z } from "zod";

export const HealthState = z.enum(["online", "degraded", "offline", "never_seen"]);
export type HealthState = z.infer<typeof HealthState>;

/** Why a connection ended, as the hub saw it. */
export const DisconnectCause = z.enum([
  /** The client sent DISCONNECT. */
  "client",
  /** The socket closed without DISCONNECT (network loss, power cut, the client process died). */
  "connection_lost",
  /** Nothing for 1.5 × the keep-alive [MQTT-3.1.2-24]. */
  "keep_alive_timeout",
  /** Another connection with the same client id took over. */
  "takeover",
  /** Its credential was rotated, revoked or deleted, or the device disabled. */
  "credentials_revoked",
  /** It broke a rate, quota or in-flight limit. */
  "limit",
  /** It sent something that is not MQTT, or not allowed in MQTT. */
  "protocol_error",
  /** The platform ended it: tenant suspended or offboarded, internal error. */
  "server",
]);
export type DisconnectCause = z.infer<typeof DisconnectCause>;

/** Why a device is in its health state. */
export const HealthReason = z.enum(["never_connected", "connected", "heartbeat_late", "vitals_out_of_bounds", "silent", ...DisconnectCause.options]);
export type HealthReason = z.infer<typeof HealthReason>;
