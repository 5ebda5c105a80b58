// Child process of the noisy-neighbour benchmark: floods one tenant from its own process (so
// the flood's client-side work does not queue up the measured tenant's clients), with raw MQTT
// 5 packets over `ws` — like misbehaving firmware, it does not wait for acknowledgements, and
// when the hub disconnects a client for persistent abuse (0x96) it reconnects at once and goes
// on flooding, so the hub keeps seeing the full offered rate.
//   node bench/flood-worker.mjs <url> <tenant> <ratePerSecond> <durationMs> <device:secret>...
import mqttPacket from "mqtt-packet";
import { WebSocket } from "ws";

const [url, tenantId, rateArg, durationArg, ...creds] = process.argv.slice(2);
const rate = Number(rateArg);
const duration = Number(durationArg);
/** offered: PUBLISHes sent; skipped: not sent because that client was reconnecting. */
const counts = { offered: 0, accepted: 0, refused: 0, skipped: 0, disconnected: 0, reconnects: 0 };
let running = true;

function connect(client) {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/t/${tenantId}/mqtt`, "mqtt");
  const parser = mqttPacket.parser({ protocolVersion: 5 });
  client.ws = ws;
  client.ready = false;
  return new Promise((resolve, reject) => {
    parser.on("packet", (p) => {
      if (p.cmd === "connack") {
        client.ready = p.reasonCode === 0;
        resolve();
      }
      if (p.cmd === "puback") p.reasonCode >= 0x80 ? counts.refused++ : counts.accepted++;
      if (p.cmd === "disconnect") counts.disconnected++;
    });
    ws.on("message", (data) => parser.parse(data));
    ws.once("open", () => ws.send(mqttPacket.generate({ cmd: "connect", protocolVersion: 5, clientId: client.id, username: client.id, password: Buffer.from(client.secret), keepalive: 60, clean: true })));
    ws.once("error", reject);
    ws.once("close", () => {
      client.ready = false;
      if (!running) return;
      counts.reconnects++;
      connect(client).catch(() => undefined);
    });
  });
}

const clients = creds.map((c) => {
  const [id, secret] = c.split(":");
  return { id, secret, ws: null, ready: false, next: 1 };
});
await Promise.all(clients.map(connect));
const start = Date.now();
let round = 0;
while (Date.now() - start < duration) {
  for (const c of clients) {
    if (!c.ready) {
      counts.skipped++;
      continue;
    }
    counts.offered++;
    c.ws.send(mqttPacket.generate({ cmd: "publish", topic: `t/${tenantId}/devices/${c.id}/telemetry`, payload: '{"values":{"x":1}}', qos: 1, messageId: c.next, protocolVersion: 5 }, { protocolVersion: 5 }));
    c.next = (c.next % 65535) + 1;
  }
  round++;
  const due = start + (round * clients.length * 1000) / rate;
  await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
}
const seconds = (Date.now() - start) / 1000;
await new Promise((r) => setTimeout(r, 1500));
running = false;
process.stdout.write(JSON.stringify({ ...counts, seconds }));
for (const c of clients) c.ws.close();
process.exit(0);
