/**
 * Silence is a first-class condition: the hot store's Durable Object alarm raises it at the
 * deadline (no sweep), the next reading clears it, and the wait starts again.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createDevice, signup, type TenantFixture } from "../helpers";
import { alarmsOf, createRule, send, until } from "./helpers";

let t: TenantFixture;

beforeAll(async () => {
  t = await signup();
  await createDevice(t.ownerToken, { id: "quiet" });
});

describe("silence rules", () => {
  it("raise within ~1 s of the deadline and clear when data returns", async () => {
    const rule = await createRule(t, { name: "no data", scope: { kind: "device", deviceId: "quiet" }, condition: { type: "silence", afterSeconds: 2 }, severity: "major" });
    await send(t, "quiet", "temp", [20]);
    const heardAt = Date.now();
    // Nothing is raised before the deadline.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await alarmsOf(t, "&device=quiet")).toEqual([]);
    const [raised] = await until(
      async () => {
        const a = await alarmsOf(t, "&device=quiet&status=active");
        return a.length ? a : null;
      },
      6000,
      "the silence alarm",
    );
    const lastSeen = raised!.details.silentSinceMs as number;
    expect(lastSeen).toBeLessThanOrEqual(heardAt);
    const late = (raised as unknown as { raisedAt: number }).raisedAt - (lastSeen + 2000);
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(1000);
    expect(raised).toMatchObject({ ruleId: rule.id, value: null });

    await send(t, "quiet", "temp", [21]);
    expect((await alarmsOf(t, "&device=quiet"))[0]).toMatchObject({ id: raised!.id, status: "cleared", clearedBy: "system" });

    // Silent again: a new alarm, not the old one reopened.
    const next = await until(async () => (await alarmsOf(t, "&device=quiet&status=active"))[0], 6000, "the second silence alarm");
    expect(next.id).not.toBe(raised!.id);
  });
});
