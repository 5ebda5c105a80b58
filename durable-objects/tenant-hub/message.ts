/**
 * A message as the hub routes it: canonical topic (mounted), payload, QoS, retain, the v5
 * properties that travel with a message (§3.3.2.3), and an absolute expiry time.
 */
import type { PublishProperties, QoS } from "../../domain/mqtt";

/** Properties forwarded from publisher to subscribers (topic alias and subscription ids are per hop). */
export type ForwardedProperties = Pick<PublishProperties, "payloadFormatIndicator" | "contentType" | "responseTopic" | "correlationData" | "userProperties"> & {
  /** Set only on a copy addressed to one subscriber: the identifiers of its matching subscriptions. */
  subscriptionIdentifiers?: number[];
};

export type HubMessage = {
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  properties: ForwardedProperties;
  /** ms since epoch; absent when the message never expires. */
  expiresAt?: number;
  /** Client id of the publisher ("" for the platform), for v5 No Local. */
  publisher: string;
};

export function forwardedProperties(p: PublishProperties | undefined): ForwardedProperties {
  if (!p) return {};
  const out: ForwardedProperties = {};
  if (p.payloadFormatIndicator !== undefined) out.payloadFormatIndicator = p.payloadFormatIndicator;
  if (p.contentType !== undefined) out.contentType = p.contentType;
  if (p.responseTopic !== undefined) out.responseTopic = p.responseTopic;
  if (p.correlationData !== undefined) out.correlationData = p.correlationData;
  if (p.userProperties?.length) out.userProperties = p.userProperties;
  return out;
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** Properties as stored in SQLite (JSON; binary correlation data as base64). */
export function encodeProperties(p: ForwardedProperties): string | null {
  if (Object.keys(p).length === 0) return null;
  const { correlationData, ...rest } = p;
  return JSON.stringify(correlationData ? { ...rest, correlationData: toBase64(correlationData) } : rest);
}

export function decodeProperties(text: string | null): ForwardedProperties {
  if (!text) return {};
  const parsed = JSON.parse(text) as ForwardedProperties & { correlationData?: string };
  const { correlationData, ...rest } = parsed;
  return correlationData ? { ...rest, correlationData: fromBase64(correlationData) } : rest;
}

/** Remaining message expiry interval in whole seconds (v5 §3.3.2.3.3), or undefined. */
export function remainingExpirySeconds(msg: Pick<HubMessage, "expiresAt">, now: number): number | undefined {
  return msg.expiresAt === undefined ? undefined : Math.max(0, Math.ceil((msg.expiresAt - now) / 1000));
}

export const isExpired = (msg: Pick<HubMessage, "expiresAt">, now: number) => msg.expiresAt !== undefined && msg.expiresAt <= now;
