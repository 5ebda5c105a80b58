/** The devices table: one row per device, linking to its page. */
import type { Device } from "../../../domain/schemas/devices";
import { HealthBadge } from "../health/HealthBadge";
import { linkHandler } from "../router";
import { StatusBadge, when } from "./format";

type Props = { devices: Device[] | null; loading: boolean; filtered: boolean };

export function DeviceTable({ devices, loading, filtered }: Props) {
  return (
    <div class="table-wrap">
      <table id="device-table">
        <caption class="visually-hidden">Devices of this workspace</caption>
        <thead>
          <tr>
            <th scope="col">Id</th>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Status</th>
            <th scope="col">Health</th>
            <th scope="col">Last seen</th>
            <th scope="col">Firmware</th>
            <th scope="col">Tags</th>
          </tr>
        </thead>
        <tbody id="device-rows" aria-busy={loading ? "true" : "false"}>
          {devices === null && loading && (
            <tr>
              <td colSpan={8}>Loading…</td>
            </tr>
          )}
          {devices?.length === 0 && (
            <tr>
              <td colSpan={8}>{filtered ? "No devices match these filters." : "No devices yet."}</td>
            </tr>
          )}
          {devices?.map((d) => (
            <tr key={d.id}>
              <td data-label="Id">
                <a href={`/devices/${encodeURIComponent(d.id)}`} onClick={linkHandler(`/devices/${encodeURIComponent(d.id)}`)}>
                  <code>{d.id}</code>
                </a>
              </td>
              <td data-label="Name">{d.name}</td>
              <td data-label="Type">{d.parentId ? `${d.type} of ${d.parentId}` : d.type}</td>
              <td data-label="Status">
                <StatusBadge device={d} />
              </td>
              <td data-label="Health" class="device-health">
                <HealthBadge state={d.health} reason={d.healthReason} />
              </td>
              <td data-label="Last seen">{when(d.lastSeenAt)}</td>
              <td data-label="Firmware">{d.firmwareVersion ?? "—"}</td>
              <td data-label="Tags">{d.tags.length ? d.tags.join(", ") : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
