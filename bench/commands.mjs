// Commands benchmark (issue 13, commands): COMMANDS queued across DEVICES offline devices through
// the fleet form of the API, then every device connects (clean start), subscribes to its
// `cmd/+` at QoS 1 and acknowledges what it gets (MQTT.js PUBACKs); one-way commands, one in
// flight per device, so each device's queue drains as a chain of PUBLISH → PUBACK round trips.
//
//   npm run bench:commands                       (starts the platform with wrangler dev, fresh state)
//   DEVICES=100 PER_DEVICE=10 npm run bench:commands   (a smaller run)
//
// Reported: time to create the devices, to queue the commands, from the first reconnect to the
// last command received, and per device from its SUBSCRIBE to its last command (the queue's own
// drain, apart from the time the connections take); then the check that nothing was lost, duplicated or reordered: every
// device got exactly its commands, in queue order, and the API reports each one `delivered`.
import mqtt from "mqtt";
import { api, percentile, platform, sleep, tenant } from "./platform-client.mjs";

const DEVICES = Number(process.env.DEVICES ?? 1_000);
const PER_DEVICE = Number(process.env.PER_DEVICE ?? 10);
/** Devices connecting at once (the hub admits 100 sockets waiting for CONNECT). */
const CONNECT_CONCURRENCY = Number(process.env.CONNECT_CONCURRENCY ?? 20);

/** A device connection; on a busy machine a CONNACK can be late, so a failed attempt is retried (and counted). */
let connectRetries = 0;
async function connectDevice(base, tenantId, d) {
  for (let attempt = 1; ; attempt++) {
    const c = mqtt.connect(`${base.replace(/^http/, "ws")}/t/${tenantId}/mqtt`, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 30_000, clientId: d.id, username: d.id, password: d.password, keepalive: 600 });
    const failure = new Promise((resolve) => c.on("error", resolve));
    const ok = await Promise.race([new Promise((resolve) => c.once("connect", () => resolve(true))), failure.then(() => false)]);
    if (ok) return c;
    c.end(true);
    if (attempt === 3) throw new Error(`${d.id} could not connect`);
    connectRetries++;
  }
}

async function inParallel(items, limit, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i], i);
      }
    }),
  );
}

const p = await platform();
const call = api(p.url);
const clients = [];
try {
  const id = `cmdb-${Date.now().toString(36)}`;
  const token = await tenant(call, id, p.operatorToken, { plan: "enterprise", limits: { apiRequestsPerMinute: 1_000_000 } });
  const devices = Array.from({ length: DEVICES }, (_, i) => ({ id: `dev-${i}`, password: "" }));

  let t0 = Date.now();
  await inParallel(devices, 8, async (d) => {
    d.password = (await call("POST", "/api/v1/devices", { token, body: { id: d.id } })).credentials.password;
  });
  const createMs = Date.now() - t0;

  // Queued while every device is offline, PER_DEVICE rounds of one fleet command per device.
  t0 = Date.now();
  const expected = new Map(devices.map((d) => [d.id, []]));
  for (let round = 0; round < PER_DEVICE; round++) {
    for (let from = 0; from < DEVICES; from += 1000) {
      const batch = devices.slice(from, from + 1000).map((d) => d.id);
      const r = await call("POST", "/api/v1/commands", { token, body: { method: "set", params: { round }, devices: batch, responseRequired: false, expiresInSeconds: 3600 } });
      if (r.summary.queued !== batch.length) throw new Error(`round ${round}: ${JSON.stringify(r.summary)} ${JSON.stringify(r.rejected.slice(0, 3))}`);
      for (const c of r.commands) expected.get(c.deviceId).push(c.id);
    }
  }
  const queueMs = Date.now() - t0;
  const total = DEVICES * PER_DEVICE;

  // Reconnect: every device connects, subscribes and counts what it receives.
  const received = new Map(devices.map((d) => [d.id, []]));
  // Per device: from its SUBACK (its queue may go) to its last command.
  const drainMs = [];
  let got = 0;
  let lastAt = 0;
  const start = Date.now();
  await inParallel(devices, CONNECT_CONCURRENCY, async (d) => {
    const c = await connectDevice(p.url, id, d);
    clients.push(c);
    let subscribedAt = Date.now();
    c.on("message", (_topic, payload) => {
      const mine = received.get(d.id);
      mine.push(JSON.parse(payload.toString("utf8")).id);
      got++;
      lastAt = Date.now();
      if (mine.length === PER_DEVICE) drainMs.push(lastAt - subscribedAt);
    });
    subscribedAt = Date.now();
    await c.subscribeAsync(`t/${id}/devices/${d.id}/cmd/+`, { qos: 1 });
  });
  const connectedMs = Date.now() - start;
  const waitUntil = Date.now() + Number(process.env.WAIT_MS ?? 300_000);
  while (got < total && Date.now() < waitUntil) await sleep(100);
  const deliverMs = lastAt - start;
  await sleep(1_000); // anything arriving late would be a duplicate

  let lost = 0;
  let duplicated = 0;
  let reordered = 0;
  for (const d of devices) {
    const want = expected.get(d.id);
    const have = received.get(d.id);
    lost += want.filter((x) => !have.includes(x)).length;
    duplicated += have.length - new Set(have).size;
    if (have.length === want.length && have.some((x, i) => x !== want[i])) reordered++;
  }
  // The API's view: every command delivered (the PUBACK reached the hub).
  let delivered = 0;
  await inParallel(devices, 8, async (d) => {
    let cursor = null;
    do {
      const page = await call("GET", `/api/v1/devices/${d.id}/commands?status=delivered&limit=200${cursor ? `&cursor=${cursor}` : ""}`, { token });
      delivered += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
  });

  console.log(
    JSON.stringify(
      {
        devices: DEVICES,
        commands: total,
        createDevicesMs: createMs,
        queueMs,
        queuedPerSecond: Math.round(total / (queueMs / 1000)),
        reconnectAllMs: connectedMs,
        connectRetries,
        firstReconnectToLastCommandMs: deliverMs,
        deliveredPerSecond: Math.round(got / (deliverMs / 1000)),
        perDeviceDrainMs: (() => {
          const x = [...drainMs].sort((a, b) => a - b);
          return { p50: percentile(x, 50), p95: percentile(x, 95), max: x.at(-1) };
        })(),
        received: got,
        lost,
        duplicated,
        devicesReordered: reordered,
        deliveredPerApi: delivered,
      },
      null,
      2,
    ),
  );
  if (lost || duplicated || reordered || delivered !== total) process.exitCode = 1;
} finally {
  for (const c of clients) c.end(true);
  await p.stop();
}
