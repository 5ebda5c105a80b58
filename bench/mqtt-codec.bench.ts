/**
 * Skylark's MQTT codec against mqtt-packet (the codec inside MQTT.js and Aedes, Node Buffers),
 * on the hub's hot path: small v5 PUBLISH packets (QoS 1, ~40-byte topic, 64-byte payload, one
 * user property). Run with `npm run bench:codec` (bench/run.mjs bundles this file for Node).
 */
import * as mqttPacket from "mqtt-packet";
import { encodePacket, MqttDecoder, MqttEncoder, type PublishPacket } from "../domain/mqtt";

const PACKETS = 100_000;
const CHUNK_SIZE = 4096;
const ROUNDS = 7;

function makePackets(): PublishPacket[] {
  const payload = new Uint8Array(64).map((_, i) => (i * 7) & 0xff);
  return Array.from({ length: PACKETS }, (_, i) => ({
    type: "publish",
    topic: `acme/devices/sensor-${String(i % 10_000).padStart(6, "0")}/telemetry/temp`, // 42 bytes
    payload,
    qos: 1,
    retain: false,
    dup: false,
    packetId: (i % 65_535) + 1,
    properties: { userProperties: [["source", "edge-7"]] },
  }));
}

function toMqttPacketObject(packet: PublishPacket): mqttPacket.IPublishPacket {
  return {
    cmd: "publish",
    topic: packet.topic,
    payload: Buffer.from(packet.payload),
    qos: 1,
    retain: false,
    dup: false,
    messageId: packet.packetId!,
    properties: { userProperties: { source: "edge-7" } },
  };
}

/** Runs `work` ROUNDS times and reports the median rate; the first rounds double as warm-up. */
function measure(label: string, work: () => number): number {
  const rates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    const count = work();
    const seconds = (performance.now() - start) / 1000;
    if (count !== PACKETS) throw new Error(`${label}: handled ${count} packets, expected ${PACKETS}`);
    rates.push(count / seconds);
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(ROUNDS / 2)]!;
  console.log(`${label.padEnd(46)} ${Math.round(median).toLocaleString("en-US").padStart(12)} packets/s`);
  return median;
}

function chunksOf(stream: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < stream.length; at += CHUNK_SIZE) chunks.push(stream.subarray(at, at + CHUNK_SIZE));
  return chunks;
}

function main(): void {
  const packets = makePackets();
  const legacyPackets = packets.map(toMqttPacketObject);

  // Both codecs must agree on the bytes, or the comparison means nothing.
  const ours = encodePacket(packets[0]!, 5);
  const theirs = mqttPacket.generate(legacyPackets[0]!, { protocolVersion: 5 });
  if (Buffer.compare(Buffer.from(ours), theirs) !== 0) throw new Error("codecs encode the sample packet differently");

  const stream = new Uint8Array(packets.reduce((n, p) => n + encodePacket(p, 5).length, 0));
  let offset = 0;
  for (const packet of packets) {
    const bytes = encodePacket(packet, 5);
    stream.set(bytes, offset);
    offset += bytes.length;
  }
  const chunks = chunksOf(stream);
  const bufferChunks = chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength));
  console.log(`${PACKETS.toLocaleString("en-US")} v5 PUBLISH packets of ${ours.length} bytes, ` + `${chunks.length} chunks of ${CHUNK_SIZE} bytes, Node ${process.versions.node}, median of ${ROUNDS} rounds\n`);

  const decodeOurs = measure("decode  skylark MqttDecoder", () => {
    const decoder = new MqttDecoder({ maxPacketSize: 1 << 20, protocolLevel: 5 });
    let count = 0;
    for (const chunk of chunks) count += decoder.push(chunk).length;
    return count;
  });
  const decodeTheirs = measure("decode  mqtt-packet parser", () => {
    const parser = mqttPacket.parser({ protocolVersion: 5 });
    let count = 0;
    parser.on("packet", () => count++);
    parser.on("error", (error) => {
      throw error;
    });
    for (const chunk of bufferChunks) parser.parse(chunk);
    return count;
  });
  const encodeOurs = measure("encode  skylark MqttEncoder (per connection)", () => {
    const encoder = new MqttEncoder();
    let count = 0;
    for (const packet of packets) if (encoder.encode(packet, 5).length > 0) count++;
    return count;
  });
  measure("encode  skylark encodePacket (own buffers)", () => {
    let count = 0;
    for (const packet of packets) if (encodePacket(packet, 5).length > 0) count++;
    return count;
  });
  const encodeTheirs = measure("encode  mqtt-packet generate", () => {
    let count = 0;
    for (const packet of legacyPackets) if (mqttPacket.generate(packet, { protocolVersion: 5 }).length > 0) count++;
    return count;
  });

  console.log(`\ndecode speed-up ×${(decodeOurs / decodeTheirs).toFixed(2)}, encode speed-up ×${(encodeOurs / encodeTheirs).toFixed(2)}`);
}

main();
