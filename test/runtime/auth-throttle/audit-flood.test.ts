/**
 * Outsiders cannot flood a tenant's audit log: failed logins naming a tenant and bad
 * `sky_{tenant}_…` keys are written individually only for the first few per action and window,
 * then summarized into one row with their count (AuthAuditSampler). The window's end is the
 * sampler's alarm, which the tests run instead of waiting a minute.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, expectOk, signup, unique, type TenantFixture } from "../helpers";

type Row = { action: string; outcome: string; actorType: string; ip: string | null; details: Record<string, any> };

async function auditRows(t: TenantFixture, action: string): Promise<Row[]> {
  return (await expectOk(api("GET", `/api/v1/audit?action=${action}&limit=200`, { token: t.ownerToken }))).items;
}

const closeWindow = async (tenantId: string) => expect(await runDurableObjectAlarm(env.AUTH_AUDIT_SAMPLER.getByName(tenantId))).toBe(true);

describe("audit rows caused by unauthenticated callers", () => {
  it("1 000 failed logins naming a tenant write 6 rows: the first 5 at once, then one that counts all 1 000", { timeout: 600_000 }, async () => {
    const t = await signup();
    const padding = "x".repeat(80); // an attacker-chosen, over-long address
    for (let batch = 0; batch < 50; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          api("POST", "/api/v1/auth/login", { headers: { "cf-connecting-ip": `203.0.113.${i + 1}` }, body: { email: `f${batch}-${i}-${padding}@example.com`, password: "not the password", tenant: t.tenantId } }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(401));
    }

    // Promptly, before the window closes: the first five, each with its (cut) email and address.
    const early = (await auditRows(t, "auth.login")).filter((r) => r.outcome === "failure");
    expect(early).toHaveLength(5);
    for (const row of early) {
      expect(row.actorType).toBe("anonymous");
      expect(row.details.email.length).toBeLessThanOrEqual(64);
      expect(row.ip).toMatch(/^203\.0\.113\./);
    }

    await closeWindow(t.tenantId);
    const rows = (await auditRows(t, "auth.login")).filter((r) => r.outcome === "failure");
    expect(rows).toHaveLength(6);
    const aggregate = rows.find((r) => r.details.aggregated)!;
    expect(aggregate).toMatchObject({ actorType: "system", action: "auth.login", outcome: "failure" });
    expect(aggregate.details).toMatchObject({ count: 1000, recordedIndividually: 5, summarized: 995 });
    expect(aggregate.details.sampleEmails.length).toBeGreaterThan(0);
    expect(aggregate.details.sampleEmails.length).toBeLessThanOrEqual(5);
    for (const email of aggregate.details.sampleEmails) expect(email.length).toBeLessThanOrEqual(64);
    expect(aggregate.details.sampleIps.every((ip: string) => ip.startsWith("203.0.113."))).toBe(true);
  });

  it("bad API keys naming a tenant are summarized the same way, and the next window starts with a prompt row again", { timeout: 60_000 }, async () => {
    const t = await signup();
    const badKey = (i: number) => `sky_${t.tenantId}_${i.toString(36).padStart(12, "0")}_${"c".repeat(32)}`;
    for (let i = 0; i < 300; i++) expect((await api("GET", "/api/v1/devices", { headers: { "x-api-key": badKey(i) } })).status).toBe(401);
    expect(await auditRows(t, "auth.api_key")).toHaveLength(5);
    await closeWindow(t.tenantId);
    const rows = await auditRows(t, "auth.api_key");
    expect(rows).toHaveLength(6);
    expect(rows.find((r) => r.details.aggregated)!.details).toMatchObject({ count: 300, summarized: 295 });
    expect(rows.find((r) => r.details.aggregated)!.details.sampleActorIds).toHaveLength(5);

    expect((await api("GET", "/api/v1/devices", { headers: { "x-api-key": badKey(1000) } })).status).toBe(401);
    expect(await auditRows(t, "auth.api_key")).toHaveLength(7);
  });

  it("a flood naming one tenant does not hide another tenant's failures, and a quiet window writes no aggregate", { timeout: 60_000 }, async () => {
    const flooded = await signup();
    const quiet = await signup();
    for (let i = 0; i < 40; i++)
      await api("GET", "/api/v1/devices", {
        headers: {
          "x-api-key": `sky_${flooded.tenantId}_${unique("k")
            .replace(/[^0-9a-z]/g, "")
            .padEnd(12, "0")
            .slice(0, 12)}_${"d".repeat(32)}`,
        },
      });
    const login = await api("POST", "/api/v1/auth/login", { body: { email: "nobody@example.com", password: "not the password", tenant: quiet.tenantId } });
    expect(login.status).toBe(401);
    expect((await auditRows(quiet, "auth.login")).filter((r) => r.outcome === "failure")).toHaveLength(1);
    await closeWindow(quiet.tenantId);
    expect((await auditRows(quiet, "auth.login")).filter((r) => r.outcome === "failure")).toHaveLength(1);
  });
});
