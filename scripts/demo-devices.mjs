// The demo tenant's thermometers, simulated: `npm run dev` starts them (DEMO_DEVICES=0 does not),
// so the demo dashboard has live readings the moment someone opens it. Each device connects
// with MQTT.js as a real device would (its own id and secret, MQTT 5 over WebSocket) and
// publishes {"temp", "hum"} every INTERVAL_MS: a slow daily-looking swing plus a little noise,
// around a set point of its own (a cold room, a warehouse).
import mqtt from "mqtt";

const INTERVAL_MS = 2_000;
/** Set points per device id; devices without one are not simulated. */
export const DEMO_CLIMATES = {
  "thermo-1": { temp: 4, hum: 85 },
  "thermo-2": { temp: 18, hum: 45 },
};

const round = (x) => Math.round(x * 10) / 10;

/** One reading of `deviceId` at `now` (ms), deterministic apart from the noise. */
export function demoReading(deviceId, now, noise = Math.random) {
  const base = DEMO_CLIMATES[deviceId];
  const swing = Math.sin((now / 600_000) * 2 * Math.PI); // a 10-minute cycle: visible on a 15 min chart
  return { temp: round(base.temp + 1.5 * swing + (noise() - 0.5) * 0.4), hum: round(Math.min(100, Math.max(0, base.hum - 4 * swing + (noise() - 0.5) * 2))) };
}

/**
 * Connects each simulated device in `credentials` ({username, password}, from the seed) to
 * `mqttUrl` (e.g. ws://localhost:8787/t/acme/mqtt) and starts publishing. Returns stop().
 */
export function startDemoDevices(mqttUrl, tenantId, credentials, { intervalMs = INTERVAL_MS, log = console.log } = {}) {
  const clients = [];
  for (const { username, password } of credentials) {
    if (!(username in DEMO_CLIMATES)) continue;
    const client = mqtt.connect(mqttUrl, { clientId: username, username, password, protocolVersion: 5, reconnectPeriod: 5_000, connectTimeout: 10_000 });
    let timer = null;
    const publish = () => client.publish(`t/${tenantId}/devices/${username}/telemetry`, JSON.stringify(demoReading(username, Date.now())), { qos: 1 });
    client.on("connect", () => {
      publish();
      clearInterval(timer);
      timer = setInterval(publish, intervalMs);
    });
    client.on("close", () => clearInterval(timer));
    let reported = false;
    client.on("error", (err) => {
      if (!reported) log(`demo device ${username}: ${err.message} (retrying every 5 s)`);
      reported = true;
    });
    clients.push({ client, stop: () => clearInterval(timer) });
  }
  return () => Promise.all(clients.map(({ client, stop }) => (stop(), client.endAsync())));
}
