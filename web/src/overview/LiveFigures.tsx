/**
 * Messages per second and connected clients. Live from the hub's `$SYS/t/{tenant}/stats` topic
 * when the live connection delivers it; until then the connected clients come from the fleet
 * summary (read on each refresh) and messages/s waits for the first stats message.
 */
export type HubFigures = { connectedClients: number; messagesInPerSecond: number; messagesOutPerSecond: number; ts: number };

type Props = { live: HubFigures | null; liveState: string | null; apiConnectedClients: number | null };

const rate = (n: number) => (n >= 100 ? Math.round(n).toString() : n.toFixed(n >= 10 ? 1 : 2));

export function LiveFigures({ live, liveState, apiConnectedClients }: Props) {
  const clients = live?.connectedClients ?? apiConnectedClients;
  return (
    <section aria-labelledby="live-heading">
      <h2 id="live-heading">
        Traffic{" "}
        <span class={`live-badge live-${live ? "on" : "off"}`} id="live-state">
          {live ? "live" : (liveState ?? "from the API")}
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
