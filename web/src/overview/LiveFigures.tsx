/**
 * Messages per second and connected clients, live from the hub's `$SYS/t/{tenant}/stats` topic
 * (published every 10 s while someone listens). Until the first stats message arrives, or while
 * the live connection is down, connected clients come from the fleet summary and messages/s waits.
 */
import type { HubStats, LiveStatus } from "../live";

type Props = { live: HubStats | null; liveState: LiveStatus; apiConnectedClients: number | null };

const STATE_LABELS: Record<LiveStatus, string> = { idle: "from the API", connecting: "connecting…", live: "live", reconnecting: "reconnecting…" };

const rate = (n: number) => (n >= 100 ? Math.round(n).toString() : n.toFixed(n >= 10 ? 1 : 2));

export function LiveFigures({ live, liveState, apiConnectedClients }: Props) {
  const clients = live?.connectedClients ?? apiConnectedClients;
  return (
    <section aria-labelledby="live-heading">
      <h2 id="live-heading">
        Traffic{" "}
        <span class={`live-badge live-${live && liveState === "live" ? "on" : "off"}`} id="live-state" role="status">
          {live || liveState !== "live" ? STATE_LABELS[liveState] : "live, waiting for the hub's figures"}
        </span>
      </h2>
      <dl class="stats" id="live-figures">
        <div class="card">
          <dt>Messages in per second</dt>
          <dd id="messages-per-second" aria-live="polite">
            {live ? rate(live.messagesInPerSecond) : "—"}
          </dd>
          {live && <small class="muted">{rate(live.messagesOutPerSecond)} out per second</small>}
        </div>
        <div class="card">
          <dt>Connected clients</dt>
          <dd id="connected-clients">{clients ?? "—"}</dd>
          {clients === null && <small class="muted">the hub did not answer</small>}
        </div>
      </dl>
      {live && (
        <p class="muted live-updated">
          Updated <time dateTime={new Date(live.ts).toISOString()}>{new Date(live.ts).toLocaleTimeString()}</time>
        </p>
      )}
    </section>
  );
}
