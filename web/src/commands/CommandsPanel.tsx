/**
 * The device page's Commands panel: the in-flight setting, a send form (MEMBER and up), and the
 * device's commands newest first with a status filter and cursor paging. State changes arrive
 * over the console's live connection (no polling); a reconnect re-reads the list. `?command=id`
 * in the URL (the fleet form links that way) brings that command into view.
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { Command } from "../../../domain/schemas/commands";
import { describe } from "../components/Field";
import { subscribeCommandStates, useLiveStatus } from "../live";
import { commandsApi, type CommandStatus } from "./api";
import { CommandItem } from "./CommandItem";
import { CommandSettingsForm } from "./CommandSettingsForm";
import { SendCommandForm } from "./SendCommandForm";
import "./commands.css";

const PAGE_SIZE = 20;
const STATUSES = Command.shape.status.options;

/** The newer of two views of one command: states only ever get added to its history. */
const newer = (a: Command, b: Command) => (b.history.length >= a.history.length ? b : a);

/** `list` with `c` put in its place (newest first), unless `list` already has a later view of it. */
function merged(list: Command[], c: Command): Command[] {
  const i = list.findIndex((x) => x.id === c.id);
  if (i >= 0) {
    const next = newer(list[i]!, c);
    return next === list[i] ? list : list.map((x, j) => (j === i ? next : x));
  }
  return [...list, c].sort((a, b) => b.createdAt - a.createdAt);
}

export function CommandsPanel({ deviceId, canEdit }: { deviceId: string; canEdit: boolean }) {
  const [items, setItems] = useState<Command[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<CommandStatus | "">("");
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [wanted] = useState(() => new URLSearchParams(location.search).get("command"));
  const live = useLiveStatus();
  // The latest view of every command heard live, so a list read that raced a change never shows an older state.
  const heard = useRef(new Map<string, Command>());
  const statusRef = useRef(status);
  statusRef.current = status;

  const load = useCallback(async () => {
    try {
      const page = await commandsApi.list(deviceId, { limit: PAGE_SIZE, ...(status ? { status } : {}) });
      let list = page.items.map((c) => (heard.current.has(c.id) ? newer(c, heard.current.get(c.id)!) : c));
      if (wanted && !status && !list.some((c) => c.id === wanted)) list = merged(list, await commandsApi.get(deviceId, wanted));
      setItems(list);
      setCursor(page.nextCursor);
      setError(null);
    } catch (err) {
      setError(err as Error);
    }
  }, [deviceId, status, wanted]);

  useEffect(() => {
    setItems(null);
    void load();
  }, [load]);

  useEffect(
    () =>
      subscribeCommandStates(
        deviceId,
        (c) => {
          heard.current.set(c.id, heard.current.has(c.id) ? newer(heard.current.get(c.id)!, c) : c);
          setItems((list) => {
            if (!list) return list;
            // A command new to the list shows only if the filter would list it; one already shown follows every change.
            if (!list.some((x) => x.id === c.id) && statusRef.current && c.status !== statusRef.current) return list;
            return merged(list, c);
          });
        },
        () => void load(),
      ),
    [deviceId, load],
  );

  // Brought into view once, when the list first has it (later changes must not pull the page back).
  const broughtIntoView = useRef(false);
  useEffect(() => {
    if (broughtIntoView.current || !wanted || !items?.some((c) => c.id === wanted)) return;
    broughtIntoView.current = true;
    const el = document.getElementById(`command-${wanted}`);
    el?.scrollIntoView({ block: "center" });
    el?.focus();
  }, [wanted, items]);

  async function more() {
    if (!cursor) return;
    setBusy("more");
    try {
      const page = await commandsApi.list(deviceId, { limit: PAGE_SIZE, cursor, ...(status ? { status } : {}) });
      setItems((list) => page.items.reduce(merged, list ?? []));
      setCursor(page.nextCursor);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(null);
    }
  }

  async function cancel(c: Command) {
    setBusy(c.id);
    try {
      const canceled = await commandsApi.cancel(deviceId, c.id);
      setItems((list) => merged(list ?? [], canceled));
      setError(null);
    } catch (err) {
      setError(err as Error);
      // It may have finished meanwhile: show what it is now.
      commandsApi.get(deviceId, c.id).then(
        (now) => setItems((list) => merged(list ?? [], now)),
        () => undefined,
      );
    } finally {
      setBusy(null);
    }
  }

  return (
    <section class="device-section card commands-panel" aria-labelledby="commands-title" id="device-commands">
      <div class="commands-title-row">
        <h2 id="commands-title">Commands</h2>
        <span class={`live-badge live-${live}`} id="commands-live" role="status">
          {live === "live" ? "live" : live === "idle" ? "not live" : `${live}…`}
        </span>
      </div>
      <CommandSettingsForm deviceId={deviceId} canEdit={canEdit} />
      {canEdit && <SendCommandForm deviceId={deviceId} onSent={(c) => (!status || c.status === status) && setItems((list) => merged(list ?? [], c))} />}
      <div class="commands-filter">
        <label for="command-status-filter">Status</label>
        <select id="command-status-filter" value={status} onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value as CommandStatus | "")}>
          <option value="">all</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.replace("_", " ")}
            </option>
          ))}
        </select>
      </div>
      {error && (
        <p class="error" role="alert" id="commands-error">
          {describe(error)}
        </p>
      )}
      {items === null ? (
        <p class="muted">Loading commands…</p>
      ) : items.length === 0 ? (
        <p class="muted" id="commands-empty">
          {status ? `No ${status.replace("_", " ")} commands.` : "No commands sent to this device yet."}
        </p>
      ) : (
        <ol class="command-list" id="command-list">
          {items.map((c) => (
            <CommandItem key={c.id} command={c} highlighted={c.id === wanted} onCancel={canEdit ? cancel : null} busy={busy === c.id} />
          ))}
        </ol>
      )}
      {cursor && (
        <button type="button" id="older-commands" onClick={more} disabled={busy === "more"}>
          Older commands
        </button>
      )}
    </section>
  );
}
