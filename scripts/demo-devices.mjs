// The demo tenant's thermometers, simulated: `npm run dev` starts them (DEMO_DEVICES=0 does not)
// and `npm run simulate` drives them against a running platform, so the demo dashboard and fleet
// health have live data the moment someone opens them. Each device connects with MQTT.js as a real
// device would (its own id and secret, MQTT 5 over WebSocket) and publishes
// - {"temp", "hum"} every INTERVAL_MS: a slow daily-looking swing plus a little noise, around a set
//   point of its own (a cold room, a warehouse);
// - a heartbeat every HEARTBEAT_MS: {"uptime" s, "battery" %, "rssi" dBm}, the vitals fleet health reads;
// - with `outOfRangeRate`, now and then a reading outside the demo profile's range (a sensor fault),
//   which the platform rejects and lists among the rejected messages.
import mqtt from "mqtt";
import { DEMO_PROFILE } from "./demo-tenant.mjs";

const INTERVAL_MS = 2_000;
const HEARTBEAT_MS = 30_000;
/** MQTT 5's DISCONNECT reason when another connection logs in with the same client id. */
const SESSION_TAKEN_OVER = 0x8e;

/** Set points per device id; devices without one are not simulated. */
export const DEMO_CLIMATES = {
  "thermo-1": { temp: 4, hum: 85 },
  "thermo-2": { temp: 18, hum: 45 },
};
/** The demo profile's temperature range (scripts/demo-tenant.mjs): a faulty probe reads outside it. */
export const DEMO_TEMP_RANGE = { min: DEMO_PROFILE.metrics.temp.min, max: DEMO_PROFILE.metrics.temp.max };

const round = (x) => Math.round(x * 10) / 10;

/** One reading of `deviceId` at `now` (ms), deterministic apart from the noise. */
export function demoReading(deviceId, now, noise = Math.random) {
  const base = DEMO_CLIMATES[deviceId];
  const swing = Math.sin((now / 600_000) * 2 * Math.PI); // a 10-minute cycle: visible on a 15 min chart
  return { temp: round(base.temp + 1.5 * swing + (noise() - 0.5) * 0.4), hum: round(Math.min(100, Math.max(0, base.hum - 4 * swing + (noise() - 0.5) * 2))) };
}

/** A reading a shorted probe would send: far above the profile's maximum. */
export function faultyReading(noise = Math.random) {
  return { temp: round(DEMO_TEMP_RANGE.max + 40 + noise() * 40), hum: 0 };
}

/**
 * The vitals of a device that booted at `bootedAt`: uptime in seconds, a battery that drains a
 * percent every 10 minutes from 100 (never below 5, where a person would change it), and a signal
 * around -65 dBm.
 */
export function demoHeartbeat(bootedAt, now, noise = Math.random) {
  const uptime = Math.max(0, Math.floor((now - bootedAt) / 1_000));
  return { uptime, battery: Math.max(5, 100 - Math.floor(uptime / 600)), rssi: Math.round(-65 + (noise() - 0.5) * 10) };
}

/**
 * Connects each simulated device in `credentials` ({username, password}, from the seed) to
 * `mqttUrl` (e.g. ws://localhost:8787/t/acme/mqtt) and starts publishing. A device whose session
 * another client takes over stops (rather than taking it back every few seconds) and is reported
 * through `onTakenOver`. Returns stop().
 */
export function startDemoDevices(mqttUrl, tenantId, credentials, { intervalMs = INTERVAL_MS, heartbeatMs = HEARTBEAT_MS, outOfRangeRate = 0, log = console.log, onConnect, onTakenOver } = {}) {
  const clients = [];
  for (const { username, password } of credentials) {
    if (!(username in DEMO_CLIMATES)) continue;
    const client = mqtt.connect(mqttUrl, { clientId: username, username, password, protocolVersion: 5, reconnectPeriod: 5_000, connectTimeout: 10_000 });
    const bootedAt = Date.now();
    const topic = (channel) => `t/${tenantId}/devices/${username}/${channel}`;
    const publishReading = () => {
      const reading = Math.random() < outOfRangeRate ? faultyReading() : demoReading(username, Date.now());
      client.publish(topic("telemetry"), JSON.stringify(reading), { qos: 1 });
    };
    const publishHeartbeat = () => client.publish(topic("heartbeat"), JSON.stringify(demoHeartbeat(bootedAt, Date.now())), { qos: 1 });
    let timers = [];
    const stopTimers = () => (timers.forEach(clearInterval), (timers = []));
    client.on("connect", () => {
      onConnect?.(username);
      stopTimers();
      publishHeartbeat();
      publishReading();
      timers = [setInterval(publishReading, intervalMs), setInterval(publishHeartbeat, heartbeatMs)];
    });
    client.on("close", stopTimers);
    client.on("disconnect", (packet) => {
      if (packet.reasonCode !== SESSION_TAKEN_OVER) return;
      stopTimers();
      client.end(true);
      (onTakenOver ?? ((id) => log(`demo device ${id}: another client connected as ${id}; this one stops`)))(username);
    });
    let reported = false;
    client.on("error", (err) => {
      if (!reported) log(`demo device ${username}: ${err.message} (retrying every 5 s)`);
      reported = true;
    });
    clients.push({ client, stop: stopTimers });
  }
  return () => Promise.all(clients.map(({ client, stop }) => (stop(), client.endAsync())));
}
