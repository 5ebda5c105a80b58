#!/usr/bin/env node
/**
 * A reference OTA client for firmware teams: everything a device must do to take part in a
 * Skylark firmware rollout, in plain Node (20+) with the `mqtt` package and nothing else.
 *
 *   node examples/ota-device.mjs --url http://localhost:8787 --tenant acme --device pump-7 \
 *     --secret <device secret> --version 1.0.0 [--public-key <base64 raw Ed25519 key>] [--state-dir DIR]
 *   (or SKYLARK_URL, SKYLARK_TENANT, DEVICE_ID, DEVICE_SECRET, FIRMWARE_VERSION, FIRMWARE_PUBLIC_KEY, STATE_DIR)
 *
 * The protocol, as a device sees it:
 *
 * 1. Connect over MQTT (here MQTT over WebSocket at `/t/{tenant}/mqtt`) as the device: client id
 *    and user name are the device id, the password is its secret.
 * 2. Subscribe to `t/{tenant}/devices/{id}/ota`. The platform keeps one *retained* notice there
 *    while an update is waiting for this device, so a device that was off when its wave started
 *    gets the notice as soon as it subscribes. An empty payload means "no update for you" (the
 *    notice was withdrawn). A notice is JSON:
 *      { rolloutId, attempt, version, url, sha256, size, signature, expiresAt }
 *    `url` is a path on the platform host; the token in it is the download credential (bound to
 *    this device and this artifact, valid until `expiresAt`). `signature` is the base64 Ed25519
 *    signature over the 32-byte SHA-256 digest of the image, or null for an unsigned artifact.
 * 3. Report progress on `t/{tenant}/devices/{id}/ota/status` (QoS 1):
 *      { rolloutId, state, progress?, error?, version? }
 *    with state one of downloading, downloaded, verified, installing, succeeded, failed, rejected.
 *    States only move forward; repeating one is harmless. `succeeded` must carry the version the
 *    device runs *after* rebooting: if it is not the rollout's version the platform records the
 *    update as rolled_back (the bootloader fell back to the old image), never as succeeded.
 * 4. Download with `GET {url}`. The server answers `Range: bytes=N-` with 206 and the rest of the
 *    image, so a download cut off halfway resumes where it stopped. Send `If-Range: <ETag>` with
 *    it: if the artifact behind the link changed, the server answers 200 with the whole new image
 *    instead of a mismatched tail.
 * 5. Verify the SHA-256 (always) and the signature (when the device holds the tenant's public key),
 *    before touching flash. A mismatch is reported as `failed` with the reason, never installed.
 * 6. Install, reboot into the new image, reconnect, and only then report `succeeded` with the new
 *    version. The platform then takes the retained notice down.
 *
 * A retained notice is delivered again on every reconnect until the platform has recorded the
 * device's final state. So a device remembers the rollouts it finished (here in its state file):
 * a notice of one of those is not acted on again; its final report is only repeated, in case the
 * platform missed it (a repeated report changes nothing on the platform).
 */
import { createHash, createPublicKey, verify } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import mqtt from "mqtt";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** What survives a reboot: the running version, and what the device did with each rollout. */
async function loadState(file, version) {
  try {
    return JSON.parse(await readFile(file, "utf8"));
  } catch {
    return { version, installed: null, finished: {} };
  }
}

async function saveState(file, state) {
  // Written whole and renamed: a power cut leaves the old file or the new one, never half of one.
  await writeFile(`${file}.tmp`, JSON.stringify(state));
  await rename(`${file}.tmp`, file);
}

/** The tenant's public key as the console shows it (base64 of the raw 32 bytes) → a node:crypto key. */
export function ed25519Key(rawBase64) {
  const x = Buffer.from(rawBase64, "base64");
  if (x.length !== 32) throw new Error("the signing public key must be 32 raw bytes, base64-encoded");
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: x.toString("base64url") }, format: "jwk" });
}

async function sha256Of(file) {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest();
}

/**
 * Starts one device. Options: url (platform base URL, http or https), tenant, deviceId, secret,
 * version (what it runs when its state file does not exist yet), publicKey (base64 raw Ed25519,
 * optional), stateDir (default: a directory in the system's temp dir), log (a function, optional).
 * Options for simulations: corrupt (flip a byte of every download before verifying), failInstall
 * (report the flash write as failed), cutAfterBytes (drop the first download's connection after
 * this many bytes), reconnectPeriod (ms, default 1000).
 * Returns a handle: `version`, `reports` (everything it published), `requests` (each download
 * request's Range and the status the server answered), `done(rolloutId)` (a promise of the final
 * state it reported), `disconnect()` (goes offline, as a dead device would) and `stop()`.
 */
export async function runDevice(opts) {
  const log = opts.log ?? (() => {});
  const dir = opts.stateDir ?? join(tmpdir(), "skylark-ota-device");
  await mkdir(dir, { recursive: true });
  const stateFile = join(dir, `${opts.deviceId}.json`);
  const state = await loadState(stateFile, opts.version);
  const publicKey = opts.publicKey ? ed25519Key(opts.publicKey) : null;
  const base = new URL(opts.url);
  const wsUrl = `${base.protocol === "https:" ? "wss" : "ws"}://${base.host}/t/${opts.tenant}/mqtt`;
  const noticeTopic = `t/${opts.tenant}/devices/${opts.deviceId}/ota`;
  const statusTopic = `${noticeTopic}/status`;

  const handle = { version: state.version, reports: [], requests: [], stop, disconnect, done };
  const waiting = new Map();
  let client = null;
  let busy = null;
  let cutOnce = opts.cutAfterBytes ?? null;

  function report(body) {
    handle.reports.push({ ...body, at: Date.now() });
    log(`${opts.deviceId} → ${body.state}${body.progress !== undefined ? ` ${body.progress}%` : ""}${body.error ? `: ${body.error}` : ""}`);
    client?.publish(statusTopic, JSON.stringify(body), { qos: 1 });
    if (["succeeded", "failed", "rejected"].includes(body.state)) waiting.get(body.rolloutId)?.forEach((resolve) => resolve(body.state));
  }

  function done(rolloutId) {
    const final = state.finished[rolloutId];
    if (final) return Promise.resolve(final.state);
    return new Promise((resolve) => waiting.set(rolloutId, [...(waiting.get(rolloutId) ?? []), resolve]));
  }

  async function finish(body) {
    state.finished[body.rolloutId] = body;
    await saveState(stateFile, state);
    report(body);
  }

  function connect() {
    // clean: a device needs no session; its one subscription brings the retained notice back.
    client = mqtt.connect(wsUrl, { clientId: opts.deviceId, username: opts.deviceId, password: opts.secret, protocolVersion: 4, clean: true, reconnectPeriod: opts.reconnectPeriod ?? 1000, connectTimeout: 30_000, keepalive: 60 });
    client.on("connect", async () => {
      // First thing after a reboot into a new image: confirm it, with the version now running.
      if (state.installed) {
        const { rolloutId } = state.installed;
        state.installed = null;
        await finish({ rolloutId, state: "succeeded", version: state.version });
      }
      client.subscribe(noticeTopic, { qos: 1 });
    });
    client.on("message", (topic, payload) => {
      if (topic !== noticeTopic || payload.length === 0) return;
      let notice;
      try {
        notice = JSON.parse(payload.toString("utf8"));
      } catch {
        return log(`${opts.deviceId}: a notice that is not JSON, ignored`);
      }
      const finished = state.finished[notice.rolloutId];
      // Redelivered after a reconnect: the platform has not recorded our final state yet; say it again.
      if (finished) return void client.publish(statusTopic, JSON.stringify(finished), { qos: 1 });
      if (busy || state.installed) return;
      busy = update(notice)
        .catch((err) => finish({ rolloutId: notice.rolloutId, state: "failed", error: String(err.message ?? err).slice(0, 500) }))
        .finally(() => (busy = null));
    });
    client.on("error", (err) => log(`${opts.deviceId}: ${err.message}`));
  }

  /** Downloads into a temp file, resuming with Range/If-Range after a cut; returns the file. */
  async function download(notice) {
    const file = join(dir, `${opts.deviceId}-${notice.rolloutId}.part`);
    const url = new URL(notice.url, base);
    let etag = null;
    let lastStep = -1;
    for (let attempt = 1; ; attempt++) {
      const have = await stat(file).then(
        (s) => s.size,
        () => 0,
      );
      if (have === notice.size) return file;
      const headers = have > 0 && etag ? { range: `bytes=${have}-`, "if-range": etag } : {};
      const abort = new AbortController();
      // A stalled link must not hold the update forever: give up on this request, resume with the next.
      const stalled = setTimeout(() => abort.abort(new Error("no progress for 30 s")), 30_000);
      try {
        const res = await fetch(url, { headers, signal: abort.signal });
        handle.requests.push({ range: headers.range ?? null, status: res.status });
        if (res.status !== 200 && res.status !== 206) throw Object.assign(new Error(`download answered HTTP ${res.status}`), { fatal: res.status === 404 || res.status === 416 });
        etag = res.headers.get("etag");
        // 200 to a ranged request: the artifact changed (If-Range did not match); start over.
        const out = await open(file, res.status === 206 ? "a" : "w");
        let written = res.status === 206 ? have : 0;
        try {
          for await (const chunk of res.body) {
            await out.write(chunk);
            written += chunk.length;
            stalled.refresh();
            const step = Math.floor((written / notice.size) * 4);
            if (step > lastStep && written < notice.size) {
              lastStep = step;
              report({ rolloutId: notice.rolloutId, state: "downloading", progress: Math.floor((written / notice.size) * 100) });
            }
            if (cutOnce !== null && written >= cutOnce) {
              cutOnce = null;
              abort.abort(new Error("link lost (simulated)"));
            }
          }
        } finally {
          clearTimeout(stalled);
          await out.close();
        }
      } catch (err) {
        clearTimeout(stalled);
        if (err.fatal || attempt >= 20) throw err;
        log(`${opts.deviceId}: download interrupted (${err.message}); resuming`);
        await sleep(Math.min(5_000, 200 * attempt));
      }
    }
  }

  async function update(notice) {
    const { rolloutId } = notice;
    report({ rolloutId, state: "downloading", progress: 0 });
    const file = await download(notice);
    report({ rolloutId, state: "downloaded", progress: 100 });
    try {
      if (opts.corrupt) {
        const fd = await open(file, "r+");
        await fd.write(Buffer.from([0xff ^ (await readFile(file))[0]]), 0, 1, 0);
        await fd.close();
      }
      const digest = await sha256Of(file);
      if (digest.toString("hex") !== notice.sha256) return await finish({ rolloutId, state: "failed", error: `SHA-256 mismatch: the image hashes to ${digest.toString("hex")}, the notice says ${notice.sha256}` });
      if (publicKey) {
        if (!notice.signature) return await finish({ rolloutId, state: "failed", error: "the image is unsigned and this device only installs signed images" });
        if (!verify(null, digest, publicKey, Buffer.from(notice.signature, "base64"))) return await finish({ rolloutId, state: "failed", error: "signature mismatch: the image is not signed by this device's trusted key" });
      }
      report({ rolloutId, state: "verified" });
      report({ rolloutId, state: "installing" });
      if (opts.failInstall) return await finish({ rolloutId, state: "failed", error: "flash write error (simulated)" });
      // "Flashing": the new version goes into the state file with the rollout to confirm after boot.
      state.version = notice.version;
      state.installed = { rolloutId };
      await saveState(stateFile, state);
      handle.version = state.version;
    } finally {
      await rm(file, { force: true });
    }
    // "Reboot": drop the connection and come back as the new image, which confirms on connect.
    await new Promise((resolve) => client.end(false, {}, resolve));
    connect();
  }

  /** Goes offline and stays offline; reports already published are delivered first. */
  function disconnect() {
    return new Promise((resolve) => (client ? client.end(!client.connected, {}, resolve) : resolve()));
  }

  async function stop() {
    await disconnect();
    client = null;
  }

  connect();
  await new Promise((resolve, reject) => {
    client.once("connect", resolve);
    // The first connection fails (refused, no CONNACK in time): give up here rather than retry unseen.
    client.once("error", (err) => void disconnect().then(() => reject(err)));
  });
  return handle;
}

async function main() {
  const { values } = parseArgs({
    options: { url: { type: "string" }, tenant: { type: "string" }, device: { type: "string" }, secret: { type: "string" }, version: { type: "string" }, "public-key": { type: "string" }, "state-dir": { type: "string" } },
  });
  const env = process.env;
  const opts = {
    url: values.url ?? env.SKYLARK_URL ?? "http://localhost:8787",
    tenant: values.tenant ?? env.SKYLARK_TENANT,
    deviceId: values.device ?? env.DEVICE_ID,
    secret: values.secret ?? env.DEVICE_SECRET,
    version: values.version ?? env.FIRMWARE_VERSION ?? "0.0.0",
    publicKey: values["public-key"] ?? env.FIRMWARE_PUBLIC_KEY,
    stateDir: values["state-dir"] ?? env.STATE_DIR,
    log: (line) => console.log(`${new Date().toISOString()} ${line}`),
  };
  const missing = [
    ["tenant", "--tenant or SKYLARK_TENANT"],
    ["deviceId", "--device or DEVICE_ID"],
    ["secret", "--secret or DEVICE_SECRET"],
  ]
    .filter(([k]) => !opts[k])
    .map(([, how]) => how);
  if (missing.length > 0) {
    console.error(`missing: ${missing.join("; ")} (see the usage at the top of examples/ota-device.mjs)`);
    process.exit(2);
  }
  const device = await runDevice(opts);
  console.log(`${opts.deviceId} connected, running ${device.version}; waiting for updates (Ctrl-C to stop)`);
  process.on("SIGINT", () => void device.stop().then(() => process.exit(0)));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
