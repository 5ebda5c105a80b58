/** Devices by status, each a card that opens the devices list filtered that way. */
import type { FleetSummary } from "../../../domain/schemas/fleet";
import { linkHandler } from "../router";

/** `href` is absent where the devices list has no such filter (the API filters by status, not by disabled). */
type Card = { key: string; label: string; count: number; href?: string; note?: string };

export function StatusCards({ devices }: { devices: FleetSummary["devices"] }) {
  const cards: Card[] = [
    { key: "online", label: "Online", count: devices.online, href: "/devices?status=online" },
    { key: "offline", label: "Offline", count: devices.offline, href: "/devices?status=offline" },
    { key: "never-seen", label: "Never seen", count: devices.neverSeen, href: "/devices?status=provisioned" },
    { key: "disabled", label: "Disabled", count: devices.disabled, note: "also counted by status" },
  ];
  return (
    <section aria-labelledby="status-heading">
      <h2 id="status-heading">
        Devices by status <span class="muted">({devices.total} in all)</span>
      </h2>
      <ul class="status-cards" id="status-cards">
        {cards.map((c) => {
          const body = (
            <>
              <span class="status-card-label">{c.label}</span>
              <span class="status-card-count" data-count>
                {c.count}
              </span>
              {c.note && <span class="status-card-note muted">{c.note}</span>}
            </>
          );
          return (
            <li key={c.key}>
              {c.href ? (
                <a class={`status-card status-card-${c.key}`} href={c.href} onClick={linkHandler(c.href)} data-status={c.key} aria-label={`${c.label}: ${c.count} devices. Show them`}>
                  {body}
                </a>
              ) : (
                <div class={`status-card status-card-${c.key}`} data-status={c.key}>
                  {body}
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
