/** Devices by status, each a card that opens the devices list filtered that way. */
import type { FleetSummary } from "../../../domain/schemas/fleet";
import { linkHandler } from "../router";

type Card = { key: string; label: string; count: number; href: string; note?: string };

export function StatusCards({ devices }: { devices: FleetSummary["devices"] }) {
  const cards: Card[] = [
    { key: "online", label: "Online", count: devices.online, href: "/devices?status=online" },
    { key: "offline", label: "Offline", count: devices.offline, href: "/devices?status=offline" },
    { key: "never-seen", label: "Never seen", count: devices.neverSeen, href: "/devices?status=provisioned" },
    { key: "disabled", label: "Disabled", count: devices.disabled, href: "/devices?disabled=true", note: "also counted by status" },
  ];
  return (
    <section aria-labelledby="status-heading">
      <h2 id="status-heading">
        Devices by status <span class="muted">({devices.total} in all)</span>
      </h2>
      <ul class="status-cards" id="status-cards">
        {cards.map((c) => (
          <li key={c.key}>
            <a class={`status-card status-card-${c.key}`} href={c.href} onClick={linkHandler(c.href)} data-status={c.key} aria-label={`${c.label}: ${c.count} devices${c.note ? `, ${c.note}` : ""}. Show them`}>
              <span class="status-card-label">{c.label}</span>
              <span class="status-card-count" data-count>
                {c.count}
              </span>
              {c.note && <span class="status-card-note muted">{c.note}</span>}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
