/**
 * Loads, in a handful of queries, every registry fact one tenant's share of a batch needs
 * (devices, their profiles' metric rules, sensors), through the tenant-scoped data layer.
 */
import type { TenantData } from "../../domain/data/tenant-scope";
import type { DeviceFacts, RegistryView, SensorFacts } from "../../domain/telemetry/normalize";

export async function loadRegistryView(data: TenantData, needs: { devices: Iterable<string>; sensors: Iterable<[string, string]> }): Promise<RegistryView> {
  const deviceIds = [...new Set(needs.devices)];
  const sensorKeys = [...needs.sensors];
  const facts = deviceIds.length ? await data.devices.telemetryFacts(deviceIds) : [];
  const profileIds = [...new Set(facts.map((d) => d.profileId).filter((p): p is string => p !== null))];
  const rules = profileIds.length ? await data.profiles.metricRules(profileIds) : new Map();
  const sensors = sensorKeys.length ? await data.sensors.ofAssets(sensorKeys.map(([asset]) => asset)) : [];

  const devices = new Map<string, DeviceFacts>(
    facts.map((d) => [d.id, { id: d.id, type: d.type, parentId: d.parentId, disabled: d.disabled, metrics: d.profileId ? (rules.get(d.profileId) ?? null) : null, profileId: d.profileId, tags: d.tags }]),
  );
  const sensorMap = new Map<string, SensorFacts>(sensors.map((s) => [`${s.assetId}\u0000${s.id}`, { assetId: s.assetId, id: s.id, deviceId: s.deviceId, unit: s.unit, min: s.min, max: s.max }]));
  return {
    device: (id) => devices.get(id) ?? null,
    sensor: (asset, sensor) => sensorMap.get(`${asset}\u0000${sensor}`) ?? null,
  };
}
