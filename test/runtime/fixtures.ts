/** Two tenants with look-alike data (same device, asset, sensor and profile ids) plus a few ids only one of them has. */
import { api, createDevice, expectOk, memberWithRole, signup, unique, type TenantFixture } from "./helpers";
import { seedTelemetry, type TelemetryFixture } from "./telemetry/fixtures";

export type RichTenant = TenantFixture & {
  only: { device: string; gateway: string; profile: string; asset: string; sensor: string };
  memberId: string;
  invitationId: string;
  apiKeyId: string;
  apiKey: string;
  telemetry: TelemetryFixture;
  /** A custom domain registered (pending) by this tenant only. */
  domain: string;
};

/** `telemetryValue`: the value of dev-1's `temp` point, different per tenant. */
export async function richTenant(label: string, telemetryValue = 1): Promise<RichTenant> {
  const t = await signup(unique(label));
  const token = t.ownerToken;
  const only = { device: `${label}-only-dev`, gateway: `${label}-only-gw`, profile: `${label}-only-prof`, asset: `${label}-only-asset`, sensor: `${label}-only-sensor` };
  for (const profile of ["prof-1", only.profile]) await expectOk(api("POST", "/api/v1/device-profiles", { token, body: { id: profile, metrics: { temp: { type: "number", unit: "C" } } } }), 201);
  for (const gw of ["gw-1", only.gateway]) await createDevice(token, { id: gw, type: "gateway", name: `${label} ${gw}` });
  await createDevice(token, { id: "dev-1", name: `${label} dev-1`, profileId: "prof-1", tags: ["shared-tag"] });
  await createDevice(token, { id: "child-1", parentId: "gw-1", name: `${label} child` });
  await createDevice(token, { id: only.device, name: `${label} only`, tags: ["shared-tag"] });
  for (const asset of ["truck-1", only.asset]) {
    await expectOk(api("POST", "/api/v1/assets", { token, body: { id: asset, type: "truck", name: `${label} ${asset}` } }), 201);
    await expectOk(api("POST", `/api/v1/assets/${asset}/sensors`, { token, body: { id: "temp-1", type: "temperature", unit: "C" } }), 201);
  }
  await expectOk(api("POST", `/api/v1/assets/truck-1/sensors`, { token, body: { id: only.sensor, type: "humidity", unit: "%" } }), 201);
  const member = await memberWithRole(t, "MEMBER");
  const invitation = await expectOk(api("POST", "/api/v1/invitations", { token, body: { email: `${unique("pending")}@example.com`, role: "VIEWER" } }), 201);
  const key = await expectOk(api("POST", "/api/v1/api-keys", { token, body: { name: `${label} key`, role: "VIEWER" } }), 201);
  const domain = (await expectOk(api("POST", "/api/v1/domains", { token, body: { hostname: `${label}-only.example` } }), 201)).hostname as string;
  const telemetry = await seedTelemetry(t.tenantId, token, telemetryValue);
  return { ...t, only, memberId: member.userId, invitationId: invitation.invitation.id, apiKeyId: key.apiKey.id, apiKey: key.key, telemetry, domain };
}
