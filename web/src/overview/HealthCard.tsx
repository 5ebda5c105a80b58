/**
 * Fleet health on the overview: enabled devices by health state (each opening the devices list
 * filtered by it), the worst devices (offline, then degraded, longest first) linking to their
 * pages, and the counts per profile.
 */
import type { ComponentChildren } from "preact";
import type { FleetHealth, HealthState } from "../../../domain/schemas/health";
import { HealthBadge } from "../health/HealthBadge";
import { reasonWords, relative, STATE_LABEL } from "../health/words";
import { linkHandler } from "../router";
import "../health/health.css";

const STATES: HealthState[] = ["online", "degraded", "offline", "never_seen"];
const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function Link({ href, children, label }: { href: string; children: ComponentChildren; label?: string }) {
  return (
    <a href={href} onClick={linkHandler(href)} aria-label={label}>
      {children}
    </a>
  );
}

export function HealthCard({ health }: { health: FleetHealth }) {
  const { counts } = health;
  const profiles = health.byProfile.filter((p) => p.counts.total > 0);
  return (
    <section aria-labelledby="health-heading" id="fleet-health">
      <h2 id="health-heading">
        Fleet health{" "}
        <span class="muted">
          ({counts.total} enabled{health.disabled ? `, ${health.disabled} disabled left out` : ""})
        </span>
      </h2>
      <ul class="health-cards" id="health-cards">
        {STATES.map((s) => {
          const href = `/devices?health=${s}`;
          return (
            <li key={s}>
              <a class={`health-card health-card-${s}`} href={href} onClick={linkHandler(href)} data-health={s} aria-label={`${STATE_LABEL[s]}: ${counts[s]} devices. Show them`}>
                <span class="health-card-label">{capitalized(STATE_LABEL[s])}</span>
                <span class="health-card-count" data-count>
                  {counts[s]}
                </span>
              </a>
            </li>
          );
        })}
      </ul>
      <div class="overview-panels">
        <div class="overview-panel">
          <h3 class="overview-subheading" id="worst-heading">
            Needing attention
          </h3>
          {health.worst.length === 0 ? (
            <p class="muted" id="worst-empty">
              No device is offline or degraded.
            </p>
          ) : (
            <ol class="worst-list" id="worst-devices" aria-labelledby="worst-heading">
              {health.worst.map((d) => (
                <li key={d.id} data-device={d.id}>
                  <Link href={`/devices/${encodeURIComponent(d.id)}`}>
                    <code>{d.id}</code>
                  </Link>
                  {d.name !== d.id && <span>{d.name}</span>}
                  <HealthBadge state={d.health} reason={d.reason} />
                  <span class="worst-why">
                    {reasonWords(d.reason)}
                    {d.since !== null && `, for ${relative(d.since).replace(/ ago$/, "")}`}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </div>
        {profiles.length > 0 && (
          <div class="overview-panel">
            <h3 class="overview-subheading" id="profile-health-heading">
              By profile
            </h3>
            <div class="table-wrap">
              <table id="health-by-profile" aria-labelledby="profile-health-heading">
                <thead>
                  <tr>
                    <th scope="col">Profile</th>
                    {STATES.map((s) => (
                      <th key={s} scope="col">
                        {STATE_LABEL[s]}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {profiles.map((p) => (
                    <tr key={p.profileId ?? ""} data-profile={p.profileId ?? ""}>
                      <th scope="row">{p.profileId ? <Link href={`/devices?profile=${encodeURIComponent(p.profileId)}`}>{p.profileId}</Link> : <span class="muted">no profile</span>}</th>
                      {STATES.map((s) => (
                        <td key={s}>
                          {p.profileId && p.counts[s] > 0 ? (
                            <Link href={`/devices?profile=${encodeURIComponent(p.profileId)}&health=${s}`} label={`${p.profileId}, ${STATE_LABEL[s]}: ${p.counts[s]}. Show them`}>
                              {p.counts[s]}
                            </Link>
                          ) : (
                            p.counts[s]
                          )}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        )}
      </div>
    </section>
  );
}
