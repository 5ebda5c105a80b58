/** Which rules watch which device: by device profile, device id, or tag. */
import type { AlarmScope } from "../schemas/alarms";

/** What the pipeline knows about a device when its readings arrive. */
export type DeviceScope = { id: string; profileId: string | null; tags: string[] };

export function inScope(scope: AlarmScope, device: DeviceScope): boolean {
  switch (scope.kind) {
    case "device":
      return scope.deviceId === device.id;
    case "profile":
      return scope.profileId === device.profileId;
    case "tag":
      return device.tags.includes(scope.tag);
  }
}
