/**
 * Connecting a device to Skylark with MQTT.js over the framed WebSocket stream: one frame per
 * packet (or per burst of packets written in the same turn) instead of MQTT.js's several.
 */
// The default import: MQTT.js's browser build exports only that (the whole API as one object).
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { framedWebSocketStream, type FramedStreamOptions, type WebSocketLike } from "./framed-websocket";

/** A WebSocket constructor of the standard shape (the browser's, Node 22's global, or `ws`). */
export type WebSocketConstructor = new (url: string, protocols: string[]) => WebSocketLike;

export type DeviceOptions = {
  /** The platform or tenant origin, e.g. `https://acme.skylark.example` or `http://127.0.0.1:8787`. */
  url: string;
  tenant: string;
  deviceId: string;
  /** The device secret from `POST /devices` or `/credentials/rotate`. */
  secret: string;
  /** MQTT 5 (default) or 3.1.1. */
  protocolVersion?: 4 | 5;
  /** Anything else MQTT.js takes (keepalive, clean, will, reconnectPeriod, properties, …). */
  mqtt?: Omit<IClientOptions, "clientId" | "username" | "password" | "protocolVersion">;
  /** Defaults to the global WebSocket (browsers, Node 22 and newer). */
  WebSocket?: WebSocketConstructor;
} & FramedStreamOptions;

/** The device's MQTT-over-WebSocket URL on the platform host: `wss://{host}/t/{tenant}/mqtt`. */
export function deviceUrl(url: string, tenant: string): string {
  const base = new URL(url);
  const scheme = base.protocol === "https:" || base.protocol === "wss:" ? "wss" : "ws";
  return `${scheme}://${base.host}/t/${encodeURIComponent(tenant)}/mqtt`;
}

/** An MQTT.js client for the device; every (re)connection opens a new framed WebSocket. */
export function connectDevice(options: DeviceOptions): MqttClient {
  const WebSocketClass = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!WebSocketClass) throw new Error("no WebSocket in this runtime: pass one (e.g. the ws package) as options.WebSocket");
  const url = deviceUrl(options.url, options.tenant);
  const protocolVersion = options.protocolVersion ?? 5;
  const frameOptions = options.maxFrameBytes !== undefined ? { maxFrameBytes: options.maxFrameBytes } : {};
  const build = () => framedWebSocketStream(new WebSocketClass(url, ["mqtt"]), frameOptions);
  return new mqtt.MqttClient(build, {
    protocol: url.startsWith("wss") ? "wss" : "ws",
    protocolId: "MQTT",
    protocolVersion,
    keepalive: 60,
    reconnectPeriod: 1000,
    ...options.mqtt,
    clientId: options.deviceId,
    username: options.deviceId,
    password: options.secret,
  });
}
