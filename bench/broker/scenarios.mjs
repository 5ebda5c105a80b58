// The broker benchmark's workloads, each against any broker reachable over MQTT-over-WebSocket.
import { measureCpu } from "../process-cpu.mjs";
import { percentile } from "../platform-client.mjs";
import { connectClient } from "./clients.mjs";

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A payload carrying its send time (ms, this process's clock), padded to 64 bytes. */
function stamped() {
  const payload = Buffer.alloc(64);
  payload.writeDoubleLE(performance.now(), 0);
  return payload;
}

/**
 * Frames a client sends per PUBLISH, counted by the proxy: `n` messages, one per turn (QoS 1
 * awaits each PUBACK), so no client gets to join messages into one frame.
 */
export async function framesPerPublish({ kind, url, auth, qos, proxy, sdk, n = 200, topic }) {
  const client = await connectClient(kind, url, auth, sdk);
  proxy.reset();
  for (let i = 0; i < n; i++) {
    await client.publish(topic, stamped(), qos);
    await nextTurn();
  }
  // QoS 0 has no acknowledgement to wait for: let the last frames reach the proxy.
  await sleep(200);
  const frames = proxy.counts.up / n;
  await client.end();
  return frames;
}

/**
 * Closed-loop capacity: one publisher, `subscribers` subscribers on one topic, one message per
 * turn, at most `window` messages unacknowledged (QoS 1: below the hub's Receive Maximum of 100)
 * or undelivered per subscriber (QoS 0) at a time.
 * One second of warm-up, then `seconds` measured. `cpuPid` is the broker's process tree.
 */
export async function closedLoop({ kind, url, publisherAuth, subscriberAuth, qos, subscribers = 1, seconds = 5, window = qos === 1 ? 90 : 400, topic, sdk, cpuPid }) {
  const subs = [];
  let delivered = 0;
  let latencies = [];
  for (let i = 0; i < subscribers; i++) {
    const s = await connectClient(kind, url, subscriberAuth(i), sdk);
    s.onMessage((payload) => {
      delivered++;
      latencies.push(performance.now() - payload.readDoubleLE(0));
    });
    await s.subscribe(topic, qos);
    subs.push(s);
  }
  const pub = await connectClient(kind, url, publisherAuth, sdk);
  let sent = 0;
  let inFlight = 0;
  let failures = 0;
  const run = async (ms) => {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      const backlog = qos === 1 ? inFlight : sent * subscribers - delivered;
      if (backlog >= window * (qos === 1 ? 1 : subscribers)) {
        await sleep(1);
        continue;
      }
      sent++;
      inFlight++;
      pub.publish(topic, stamped(), qos).then(
        () => inFlight--,
        () => (inFlight--, failures++),
      );
      await nextTurn();
    }
  };
  await run(1000);
  await sleep(300);
  [sent, delivered, latencies] = [0, 0, []];
  const cpu = measureCpu(cpuPid);
  const clientCpu = process.cpuUsage();
  const started = performance.now();
  await run(seconds * 1000);
  const elapsed = (performance.now() - started) / 1000;
  const cpuPercent = cpu.stop();
  const { user, system } = process.cpuUsage(clientCpu);
  const clientCpuPercent = Math.round(((user + system) / 1e6 / elapsed) * 100);
  await sleep(300);
  for (const c of [pub, ...subs]) await c.end().catch(() => undefined);
  latencies.sort((a, b) => a - b);
  const perSecond = delivered / elapsed;
  return {
    "msgs/s published": Math.round(sent / elapsed),
    "deliveries/s": Math.round(perSecond),
    "p50 ms": round(percentile(latencies, 50)),
    "p99 ms": round(percentile(latencies, 99)),
    "broker CPU %": cpuPercent,
    "broker CPU µs/delivery": cpuPercent === null || perSecond === 0 ? null : Math.round(((cpuPercent / 100) * 1e6) / perSecond),
    "clients CPU %": clientCpuPercent,
    ...(failures ? { failures } : {}),
  };
}

const round = (x) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);
