/**
 * `npm run dev` cleans up after itself: interrupted while wrangler starts, while it seeds the demo
 * tenant or once it is ready — by SIGINT (Ctrl-C), SIGTERM, its parent dying or SIGKILL — no process
 * of that run and no listener on its port remains. A taken port is refused before anything starts,
 * and the server holding it is left alone. Each run has its own port and state directory; at most
 * three start wrangler at once (each start costs 10–20 s of a shared 2-core machine).
 */
import { createServer, type Server } from "node:http";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM helper shared with scripts/dev.mjs
import { freePort, PortInUseError, startPlatform } from "../../scripts/platform.mjs";
import { DevRun, listening } from "./dev-run";

const RUN_TIMEOUT = 300_000;
const runs: DevRun[] = [];
afterAll(() => runs.forEach((r) => r.cleanUp()));

// A small semaphore: vitest's maxConcurrency counts tests, not wrangler processes.
let slots = 3;
const waiting: (() => void)[] = [];
async function withSlot<T>(body: () => Promise<T>): Promise<T> {
  while (slots === 0) await new Promise<void>((r) => waiting.push(r));
  slots--;
  try {
    return await body();
  } finally {
    slots++;
    waiting.shift()?.();
  }
}

async function newRun(command?: (port: number) => string[], stateDir?: string) {
  const port: number = await freePort();
  const run = new DevRun(port, command?.(port), stateDir);
  runs.push(run);
  return run;
}

const READY = "Skylark is running at";

/** The demo owner's view of a run's platform. */
function apiOf(port: number) {
  const base = `http://127.0.0.1:${port}`;
  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  };
  const login = async () => {
    const res = await call("POST", "/api/v1/auth/login", undefined, { email: "owner@acme.example", password: "skylark-demo-password" });
    expect(res.status).toBe(200);
    return res.body.token as string;
  };
  return { call, login };
}

/** Waits until wrangler (the guard's child) is running, then a moment more: well before ready. */
async function whileStarting(run: DevRun) {
  await run.waitFor("Starting the platform on port");
  const deadline = Date.now() + 30_000;
  while (!run.seenCommand("wrangler dev") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(run.seenCommand("wrangler dev")).toBe(true);
  await new Promise((r) => setTimeout(r, 1_500));
}

async function expectNothingLeft(run: DevRun) {
  await run.settle();
  expect(run.leftovers()).toEqual([]);
  expect(await listening(run.port)).toBe(false);
}

const PHASES = {
  "while wrangler starts": whileStarting,
  "while seeding": (run: DevRun) => run.waitFor("Seeding the demo tenant"),
  "after ready": (run: DevRun) => run.waitFor(READY),
} as const;

describe.concurrent("npm run dev leaves nothing behind", () => {
  for (const [phase, reach] of Object.entries(PHASES)) {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      it(`${signal} ${phase}`, { timeout: RUN_TIMEOUT }, () =>
        withSlot(async () => {
          const run = await newRun();
          await reach(run);
          if (phase === "after ready") expect(await listening(run.port)).toBe(true);
          process.kill(run.child.pid!, signal);
          const { code } = await run.exit;
          expect(code).toBe(signal === "SIGINT" ? 130 : 143);
          // Interrupted before ready means it never claimed to be running.
          if (phase !== "after ready") expect(run.output).not.toContain(READY);
          await expectNothingLeft(run);
          // Past start-up workerd certainly ran: the check above covered it too.
          if (phase !== "while wrangler starts") expect(run.seenCommand("workerd")).toBe(true);
        }),
      );
    }
  }

  it("its parent dies (SIGKILL) after ready: it notices and stops the platform", { timeout: RUN_TIMEOUT }, () =>
    withSlot(async () => {
      // The shell stands in for a terminal or a supervisor; dev.mjs is its child and outlives it.
      const run = await newRun(() => ["/bin/sh", "-c", `"${process.execPath}" scripts/dev.mjs & wait`]);
      await run.waitFor(READY);
      expect(await listening(run.port)).toBe(true);
      process.kill(run.child.pid!, "SIGKILL");
      await expectNothingLeft(run);
      expect(run.output).toContain("is gone: stopping the platform");
    }),
  );

  it("killed outright (SIGKILL) while wrangler starts: wrangler and workerd go too", { timeout: RUN_TIMEOUT }, () =>
    withSlot(async () => {
      const run = await newRun();
      await whileStarting(run);
      process.kill(run.child.pid!, "SIGKILL");
      await run.exit;
      await expectNothingLeft(run);
    }),
  );

  it("a platform of the e2e harness or a benchmark (startPlatformOnFreePort) dies with the process that started it, even by SIGKILL", { timeout: RUN_TIMEOUT }, () =>
    withSlot(async () => {
      const starter = `
        const p = await import(${JSON.stringify(join(import.meta.dirname, "..", "..", "scripts", "platform.mjs"))});
        const state = process.env.SKYLARK_STATE_DIR;
        p.applyMigrations({ persistTo: state });
        const platform = await p.startPlatformOnFreePort({ persistTo: state, quiet: true });
        console.log("READY " + platform.url);
        setInterval(() => {}, 60_000);`;
      const run = await newRun(() => [process.execPath, "--input-type=module", "-e", starter]);
      await run.waitFor("READY ");
      const port = Number(/READY http:\/\/127\.0\.0\.1:(\d+)/.exec(run.output)![1]);
      expect(await listening(port)).toBe(true);
      process.kill(run.child.pid!, "SIGKILL");
      await run.exit;
      await run.settle();
      expect(run.leftovers()).toEqual([]);
      expect(await listening(port)).toBe(false);
    }),
  );

  it("a restart upgrades an older demo profile; an error while seeding stops the platform and exits non-zero", { timeout: RUN_TIMEOUT }, () =>
    withSlot(async () => {
      // 1. A first run seeds; the profile is made to look like one seeded before heartbeats (no vitals).
      const first = await newRun();
      await first.waitFor(READY);
      const api = apiOf(first.port);
      const token = await api.login();
      const profile = await api.call("GET", "/api/v1/device-profiles/environment", token);
      expect(Object.keys(profile.body.metrics)).toEqual(expect.arrayContaining(["temp", "hum", "uptime", "battery", "rssi"]));
      const { temp, hum } = profile.body.metrics;
      expect((await api.call("PATCH", "/api/v1/device-profiles/environment", token, { metrics: { temp, hum } })).status).toBe(200);
      process.kill(first.child.pid!, "SIGTERM");
      await expectNothingLeft(first);

      // 2. The next run on the same state gives the profile its vitals back. Then the owner deletes
      // thermo-1 and the saved credentials are lost...
      const second = await newRun(undefined, first.stateDir);
      await second.waitFor(READY);
      expect(second.output).toContain("The demo profile now declares the heartbeat vitals (uptime, battery, rssi)");
      const api2 = apiOf(second.port);
      const token2 = await api2.login();
      expect(Object.keys((await api2.call("GET", "/api/v1/device-profiles/environment", token2)).body.metrics).sort()).toEqual(["battery", "hum", "rssi", "temp", "uptime"]);
      expect((await api2.call("DELETE", "/api/v1/devices/thermo-1", token2)).status).toBe(204);
      process.kill(second.child.pid!, "SIGTERM");
      await expectNothingLeft(second);
      const seedFile = join(first.dir, "demo-seed.json");
      expect(existsSync(seedFile)).toBe(true);
      rmSync(seedFile);

      // 3. ...so the third run's re-seed (rotating thermo-1's secret) fails.
      const third = await newRun(undefined, first.stateDir);
      const { code } = await third.exit;
      expect(code).toBe(1);
      expect(third.output).toContain("Seeding the demo tenant failed; stopping the platform");
      expect(third.output).not.toContain(READY);
      await expectNothingLeft(third);
    }),
  );

  it("a taken port: says so, names the port and PORT=, exits non-zero, and leaves the server alone", { timeout: 60_000 }, async () => {
    let requests = 0;
    // A stale server answering /healthz, as an earlier platform would.
    const holder: Server = createServer((_req, res) => (requests++, res.end("ok")));
    await new Promise<void>((r) => holder.listen(0, "127.0.0.1", r));
    const port = (holder.address() as { port: number }).port;
    try {
      const run = new DevRun(port);
      runs.push(run);
      const { code } = await run.exit;
      expect(code).toBe(1);
      expect(run.output).toContain(`Port ${port} is already in use`);
      expect(run.output).toMatch(new RegExp(`PORT=\\d+ npm run dev`));
      expect(run.seenCommand("wrangler")).toBe(false);
      expect(requests).toBe(0);
      expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).text()).toBe("ok");
      await run.settle();
      expect(run.leftovers()).toEqual([]);
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });

  it("the harness's startPlatform refuses a taken port before starting wrangler (startPlatformOnFreePort retries on it)", async () => {
    const holder: Server = createServer((_req, res) => res.end("ok"));
    await new Promise<void>((r) => holder.listen(0, "127.0.0.1", r));
    const port = (holder.address() as { port: number }).port;
    try {
      const started = Date.now();
      const err = await startPlatform({ port, quiet: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PortInUseError);
      expect((err as { code: string }).code).toBe("EADDRINUSE");
      expect(String(err)).toContain(`Port ${port} is already in use`);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });
});
