/**
 * How many WebSocket frames one MQTT connection may send the edge relay (workers/edge/mqtt-relay.ts).
 *
 * The hub refuses messages over the plan's rates, but it can only do so for frames it has read,
 * and the runtime reads a socket with no backpressure: a client writing far faster than any plan
 * allows fills memory before the hub's verdict comes back. The relay therefore counts frames
 * itself and closes a connection that sends more than any client within its plan could: the
 * tenant's whole message rate, times the frames a message may take (MQTT.js writes about six per
 * PUBLISH), with the plan's burst. A client at its plan's limits never comes near it.
 */
import type { PlanLimits } from "../plans";

/** Frames one MQTT message may take on the wire (MQTT.js: about 6 per PUBLISH), with a margin. */
const FRAMES_PER_MESSAGE = 8;
/** The floor, for plans with tiny rates: keep-alives, subscriptions and acks need room too. */
export const MIN_FRAMES_PER_SECOND = 2_000;

export type RelayFrameBudget = { perSecond: number; burst: number };

export function relayFrameBudget(limits: Pick<PlanLimits, "messagesPerSecond" | "burstSeconds">): RelayFrameBudget {
  const perSecond = Math.max(MIN_FRAMES_PER_SECOND, Math.ceil(limits.messagesPerSecond * FRAMES_PER_MESSAGE));
  return { perSecond, burst: Math.ceil(perSecond * Math.max(1, limits.burstSeconds)) };
}

/**
 * The close code the relay sends the hub for a connection it closed over its frame budget: a
 * private code (RFC 6455 §7.4.2: 4000–4999), so the hub can hold it against the client like any
 * other abuse. The client itself gets 1008 (policy violation).
 */
export const RELAY_OVER_BUDGET_CLOSE_CODE = 4008;
