/**
 * The MQTT edge relay (workers/edge/mqtt-relay.ts) between two real WebSocket pairs in workerd:
 * the device's frames reach the hub as fewer, joined messages with every byte in order; once the
 * hub closes, the device is told with the hub's code and whatever it still sends is dropped; a
 * device that goes away closes the hub's side.
 */
import { describe, expect, it } from "vitest";
import { relay, type RelayOptions } from "../../../workers/edge/mqtt-relay";
import { MIN_FRAMES_PER_SECOND, RELAY_OVER_BUDGET_CLOSE_CODE, relayFrameBudget } from "../../../domain/limits/relay-budget";

type End = WebSocket & { received: Uint8Array[]; closedWith: Promise<CloseEvent> };

function pair(): [End, End] {
  const [a, b] = Object.values(new WebSocketPair()) as [End, End];
  for (const ws of [a, b]) {
    ws.accept();
    ws.binaryType = "arraybuffer";
    ws.received = [];
    ws.addEventListener("message", (e) => ws.received.push(new Uint8Array(e.data as ArrayBuffer)));
    ws.closedWith = new Promise((resolve) => ws.addEventListener("close", resolve));
  }
  return [a, b];
}

/** device ⇄ [relay] ⇄ hub: `device` is what the client holds, `hub` what the hub holds. */
function relayed(options?: RelayOptions) {
  const [device, edgeClientSide] = pair();
  const [edgeHubSide, hub] = pair();
  const counters = relay(edgeClientSide, edgeHubSide, options);
  return { device, hub, counters };
}

const settle = () => new Promise((r) => setTimeout(r, 20));
const joined = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

describe("MQTT edge relay", () => {
  it("frames sent together reach the hub as fewer messages, every byte in order", async () => {
    const { device, hub, counters } = relayed();
    const sent: Uint8Array[] = [];
    for (let i = 0; i < 500; i++) {
      const frame = Uint8Array.of(i & 0xff, (i >> 8) & 0xff, 0x30, 7);
      sent.push(frame);
      device.send(frame);
    }
    await expect.poll(() => joined(hub.received).length).toBe(2000);
    expect(joined(hub.received)).toEqual(joined(sent));
    expect(counters.framesIn).toBe(500);
    expect(hub.received.length).toBe(counters.batchesOut);
    expect(hub.received.length).toBeLessThan(50);
  });

  it("what the hub sends reaches the device unchanged, frame by frame", async () => {
    const { device, hub } = relayed();
    hub.send(Uint8Array.of(0x20, 2, 0, 0));
    hub.send(Uint8Array.of(0xd0, 0));
    await expect.poll(() => device.received.length).toBe(2);
    expect(device.received).toEqual([Uint8Array.of(0x20, 2, 0, 0), Uint8Array.of(0xd0, 0)]);
  });

  it("the hub's close reaches the device with its code; what the device still sends is dropped", async () => {
    const { device, hub, counters } = relayed();
    hub.close(1002, "");
    expect((await device.closedWith).code).toBe(1002);
    const before = hub.received.length;
    for (let i = 0; i < 100; i++) {
      try {
        device.send(Uint8Array.of(0x30, 0));
      } catch {
        break; // the device's side is closed already: nothing can be sent at all
      }
    }
    await settle();
    expect(hub.received.length).toBe(before);
    expect(counters.batchesOut).toBe(0);
  });

  it("a device that goes away closes the hub's side (its will fires there), after what it sent", async () => {
    const { device, hub } = relayed();
    device.send(Uint8Array.of(0xe0, 0));
    device.close(1000, "bye");
    const closed = await hub.closedWith;
    expect(closed.code).toBe(1000);
    expect(joined(hub.received)).toEqual(Uint8Array.of(0xe0, 0));
  });

  it("a client over its frame budget is closed (1008) and the hub told why (its own close code); within it nothing is lost", async () => {
    let clock = 1_000_000;
    const { device, hub, counters } = relayed({ budget: { perSecond: 100, burst: 50 }, now: () => clock });
    for (let i = 0; i < 50; i++) device.send(Uint8Array.of(0xc0, 0));
    await expect.poll(() => joined(hub.received).length).toBe(100);
    clock += 100; // 10 frames' worth of refill
    for (let i = 0; i < 10; i++) device.send(Uint8Array.of(0xc0, 0));
    await expect.poll(() => joined(hub.received).length).toBe(120);
    expect(counters.overBudget).toBe(false);
    device.send(Uint8Array.of(0xc0, 0));
    const [toDevice, toHub] = await Promise.all([device.closedWith, hub.closedWith]);
    expect(toDevice.code).toBe(1008);
    expect(toDevice.reason).toMatch(/more than 100 WebSocket frames per second/);
    expect(toHub.code).toBe(RELAY_OVER_BUDGET_CLOSE_CODE);
    expect(counters.overBudget).toBe(true);
  });
});

describe("relay frame budget", () => {
  it("follows the tenant's message rate, with a floor, and the plan's burst", () => {
    expect(relayFrameBudget({ messagesPerSecond: 100, burstSeconds: 5 })).toEqual({ perSecond: MIN_FRAMES_PER_SECOND, burst: MIN_FRAMES_PER_SECOND * 5 });
    expect(relayFrameBudget({ messagesPerSecond: 20_000, burstSeconds: 10 })).toEqual({ perSecond: 160_000, burst: 1_600_000 });
  });
});
