// Child process of the noisy-neighbour benchmark: floods one tenant from its own process (so
// the flood's client-side work does not queue up the measured tenant's clients), with raw MQTT
// 5 packets over `ws` — like misbehaving firmware, it does not wait for acknowledgements.
//   node bench/flood-worker.mjs <url> <tenant> <ratePerSecond> <durationMs> <device:secret>...
import mqttPacket from "mqtt-packet";
import { WebSocket } from "ws";

const [url, tenantId, rateArg, durationArg, ...creds] = process.argv.slice(2);
const rate = Number(rateArg);
const duration = Number(durationArg);
const counts = { offered: 0, accepted: 0, refused: 0 };

async function open(id, secret) {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/t/${tenantId}/mqtt`, "mqtt");
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const parser = mqttPacket.parser({ protocolVersion: 5 });
  let connected;
  const ready = new Promise((r) => (connected = r));
  parser.on("packet", (p) => {
    if (p.cmd === "connack") connected();
    if (p.cmd === "puback") (p.reasonCode >= 0x80 ? counts.refused++ : counts.accepted++);
  });
  ws.on("message", (data) => parser.parse(data));
  ws.send(mqttPacket.generate({ cmd: "connect", protocolVersion: 5, clientId: id, username: id, password: Buffer.from(secret), keepalive: 60, clean: true }));
  await ready;
  return { id, ws, next: 1 };
}

const clients = await Promise.all(creds.map((c) => open(...c.split(":"))));
const start = Date.now();
let round = 0;
while (Date.now() - start < duration) {
  for (const c of clients) {
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
process.stdout.write(JSON.stringify({ ...counts, seconds }));
for (const c of clients) c.ws.close();
process.exit(0);
