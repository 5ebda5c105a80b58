/**
 * The console's live feed, the parts that need no browser: its MQTT packets read by the hub's own
 * codec (and the hub's packets read back by the console, split across frames anywhere), telemetry
 * payloads taken or dropped as the pipeline would, and the dedupe/backfill rules that keep a
 * chart's series free of holes and doubles.
 */
import { describe, expect, it } from "vitest";
import { encodePacket, MqttDecoder } from "../../domain/mqtt";
import { alignSeries, appendAligned } from "../../web/src/charts/align";
import { insertPoints, replaceWindow, dropBefore } from "../../web/src/live/merge";
import { connectPacket, PacketReader, subscribePacket, unsubscribePacket } from "../../web/src/live/mqtt-wire";
import { livePoints } from "../../web/src/live/telemetry-payload";

const bytes = (text: string) => new TextEncoder().encode(text);
const NOW = Date.UTC(2026, 0, 31, 8, 0, 0);

describe("console live: MQTT packets", () => {
  it("the hub's decoder reads the console's CONNECT, SUBSCRIBE and UNSUBSCRIBE", () => {
    const decoder = new MqttDecoder({ maxPacketSize: 1 << 20 });
    const [connect] = decoder.push(connectPacket({ clientId: "console-1", username: "api", password: "a.jwt.token", keepAliveSeconds: 30 }));
    expect(connect).toMatchObject({ type: "connect", protocolLevel: 4, clientId: "console-1", username: "api", keepAlive: 30, cleanStart: true });
    expect(new TextDecoder().decode((connect as { password: Uint8Array }).password)).toBe("a.jwt.token");
    const [subscribe, unsubscribe] = decoder.push(new Uint8Array([...subscribePacket(7, ["t/acme/devices/d1/telemetry", "$SYS/t/acme/stats"]), ...unsubscribePacket(8, ["$SYS/t/acme/stats"])]));
    expect(subscribe).toMatchObject({
      type: "subscribe",
      packetId: 7,
      subscriptions: [
        { topicFilter: "t/acme/devices/d1/telemetry", qos: 0 },
        { topicFilter: "$SYS/t/acme/stats", qos: 0 },
      ],
    });
    expect(unsubscribe).toMatchObject({ type: "unsubscribe", packetId: 8, topicFilters: ["$SYS/t/acme/stats"] });
  });

  it("reads the hub's packets however the frames cut them", () => {
    const payload = bytes(JSON.stringify({ temp: 21.5, pad: "x".repeat(300) }));
    const stream = new Uint8Array([
      ...encodePacket({ type: "connack", sessionPresent: false, reasonCode: 0 }, 4),
      ...encodePacket({ type: "suback", packetId: 7, reasonCodes: [0, 0x80] }, 4),
      ...encodePacket({ type: "publish", topic: "t/acme/devices/d1/telemetry", payload, qos: 1, packetId: 9, retain: false, dup: false }, 4),
      ...encodePacket({ type: "pingresp" }, 4),
    ]);
    for (const cut of [1, 2, 3, 5, 64, stream.length]) {
      const reader = new PacketReader();
      const got = [];
      for (let at = 0; at < stream.length; at += cut) got.push(...reader.push(stream.subarray(at, at + cut)));
      expect(
        got.map((p) => p.type),
        `frames of ${cut} bytes`,
      ).toEqual(["connack", "suback", "publish", "pingresp"]);
      expect(got[1]).toMatchObject({ packetId: 7, granted: [0, 0x80] });
      expect(got[2]).toMatchObject({ topic: "t/acme/devices/d1/telemetry", qos: 1, packetId: 9 });
      expect(new TextDecoder().decode((got[2] as { payload: Uint8Array }).payload)).toBe(new TextDecoder().decode(payload));
    }
  });
});

describe("console live: telemetry payloads", () => {
  const read = (topic: string, payload: unknown, tenant = "acme") => livePoints(tenant, topic, bytes(typeof payload === "string" ? payload : JSON.stringify(payload)), NOW);

  it("takes every shape the pipeline takes", () => {
    expect(read("t/acme/devices/d1/telemetry", { ts: NOW - 1000, values: { temp: 21.5, hum: { value: 40, unit: "%" } } })).toEqual([
      { device: "d1", metric: "temp", ts: NOW - 1000, value: 21.5 },
      { device: "d1", metric: "hum", ts: NOW - 1000, value: 40 },
    ]);
    // Flat, without ts: the time of arrival. Booleans chart as 1/0; strings are not plotted.
    expect(read("t/acme/devices/d1/telemetry", { temp: 3, door: true, mode: "eco" })).toEqual([
      { device: "d1", metric: "temp", ts: NOW, value: 3 },
      { device: "d1", metric: "door", ts: NOW, value: 1 },
    ]);
    expect(
      read("t/acme/devices/d1/telemetry", [
        { ts: NOW - 2, temp: 1 },
        { ts: NOW - 1, values: { temp: 2 } },
      ]).map((p) => p.value),
    ).toEqual([1, 2]);
    expect(read("t/acme/gateways/gw/telemetry", { devices: { c1: [{ ts: NOW, values: { t: 1 } }], c2: { t: 2 } } })).toEqual([
      { device: "c1", metric: "t", ts: NOW, value: 1 },
      { device: "c2", metric: "t", ts: NOW, value: 2 },
    ]);
  });

  it("drops a message whole when the pipeline would reject it", () => {
    const reject = [
      ["t/acme/devices/d1/telemetry", "not json"],
      ["t/acme/devices/d1/telemetry", []],
      ["t/acme/devices/d1/telemetry", [{ temp: 1 }, { "bad metric!": 2 }]],
      ["t/acme/devices/d1/telemetry", { ts: 1.5, temp: 1 }],
      ["t/acme/devices/d1/telemetry", { ts: NOW, values: { temp: 1 }, extra: 1 }],
      ["t/acme/devices/d1/telemetry", { ts: 1_700_000_000, temp: 1 }], // seconds, not milliseconds
      ["t/acme/devices/d1/telemetry", { ts: NOW + 11 * 60_000, temp: 1 }],
      ["t/acme/devices/d1/telemetry", { ts: NOW }],
      ["t/acme/gateways/gw/telemetry", { devices: {} }],
      ["t/acme/devices/d1/attributes", { temp: 1 }],
      ["t/other/devices/d1/telemetry", { temp: 1 }],
    ] as const;
    for (const [topic, payload] of reject) expect(read(topic, payload), JSON.stringify(payload)).toEqual([]);
  });
});

describe("console live: dedupe and backfill", () => {
  const pts = (...ts: number[]) => ts.map((t) => ({ ts: t, value: t * 10 }));

  it("inserts live points once per timestamp, in order", () => {
    const list = pts(1, 2, 3);
    expect(insertPoints(list, pts(4, 5, 5))).toEqual(pts(1, 2, 3, 4, 5));
    expect(insertPoints(list, pts(2, 0, 3))).toEqual(pts(0, 1, 2, 3));
    expect(insertPoints(list, pts(2, 3))).toBe(list);
  });

  it("a backfill fills the gap without doubling what the live feed already drew", () => {
    // Live before the drop (1–3), nothing during it, live again after (8, 9).
    const live = pts(1, 2, 3, 8, 9);
    // The query for the gap [2, 9) returns what was stored, including points seen live.
    const filled = replaceWindow(live, pts(2, 3, 4, 5, 6, 7, 8), 2, 9);
    expect(filled).toEqual(pts(1, 2, 3, 4, 5, 6, 7, 8, 9));
    // Backfilling again (the second pass after the pipeline caught up) changes nothing.
    expect(replaceWindow(filled, pts(2, 3, 4, 5, 6, 7, 8), 2, 9)).toEqual(filled);
    // A point the browser showed but the pipeline rejected is gone after the backfill.
    expect(replaceWindow(pts(1, 5, 9), pts(4), 2, 9)).toEqual(pts(1, 4, 9));
    expect(dropBefore(filled, 5)).toEqual(pts(5, 6, 7, 8, 9));
  });
});

describe("console charts: aligning series for uPlot", () => {
  const series = (label: string, ...pts: [number, number][]) => ({ label, points: pts.map(([ts, value]) => ({ ts, value })) });

  it("merges series onto the union of their instants, a missing reading null", () => {
    expect(alignSeries([series("a", [1, 10], [3, 30]), series("b", [2, 20], [3, 31])])).toEqual([
      [1, 2, 3],
      [10, null, 30],
      [null, 20, 31],
    ]);
    expect(alignSeries([series("a", [1, 10], [2, 20]), series("b", [1, 11], [2, 21])])).toEqual([
      [1, 2],
      [10, 20],
      [11, 21],
    ]);
  });

  it("appends live points in place, and refuses anything but an append", () => {
    const before = [series("a", [1, 10]), series("b", [2, 20])];
    const columns = alignSeries(before);
    const grown = before.map((s, i) => ({
      ...s,
      points: insertPoints(
        s.points,
        i === 0
          ? [{ ts: 5, value: 50 }]
          : [
              { ts: 5, value: 51 },
              { ts: 6, value: 61 },
            ],
      ),
    }));
    expect(appendAligned(columns, before, grown)).toBe(true);
    expect(columns).toEqual(alignSeries(grown));
    // A point before the last aligned instant (a backfill) or a dropped point needs a fresh alignment.
    const backfilled = grown.map((s, i) => ({ ...s, points: i === 0 ? insertPoints(s.points, [{ ts: 3, value: 30 }]) : s.points }));
    expect(appendAligned(alignSeries(grown), grown, backfilled)).toBe(false);
    expect(appendAligned(alignSeries(grown), grown, [grown[0]!, { ...grown[1]!, points: dropBefore(grown[1]!.points, 6) }])).toBe(false);
  });
});
