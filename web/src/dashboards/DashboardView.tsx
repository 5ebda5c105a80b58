/**
 * One dashboard: its widgets on the grid, live, under the time range and device filter the
 * viewer picks (starting from the dashboard's saved ones). MEMBER and up may edit it; a VIEWER
 * sees no edit controls at all.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { Role } from "../../../domain/roles";
import { DashboardInput, documentOf, type DeviceFilter, type TimeRange, type Widget } from "../../../domain/schemas/dashboards";
import type { Device } from "../../../domain/schemas/devices";
import { ApiError } from "../api";
import { describe } from "../components/Field";
import { can } from "../roles";
import { linkHandler } from "../router";
import { dashboardsApi, devicesApi, type Versioned } from "./api";
import { downloadJson, exportFileName } from "./download";
import type { Issues } from "./editor/controls";
import { EditorPanel, type Draft } from "./editor/EditorPanel";
import { Grid } from "./Grid";
import { DeviceFilterPicker, LiveBadge, RangePicker } from "./Toolbar";
import type { WidgetEnv } from "./widgets/env";
import "./dashboards.css";

/** The dashboard's clock: relative ranges move with it, once a second. */
function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

const issuesOf = (list: { path: string; message: string }[]): Issues => new Map(list.map((i) => [i.path, i.message]));

export function DashboardView({ id, role }: { id: string; role: Role }) {
  const [current, setCurrent] = useState<Versioned | null>(null);
  const [loadError, setLoadError] = useState<Error | null>(null);
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [range, setRange] = useState<TimeRange | null>(null);
  const [filter, setFilter] = useState<DeviceFilter | null>(null);
  const [draft, setDraftState] = useState<Draft | null>(null);
  // Edits apply to the newest draft, not to the one the last render saw: two changes (or a change
  // and "Save") arriving before a re-render must not lose the first.
  const draftRef = useRef<Draft | null>(null);
  const setDraft = (next: Draft | null) => {
    draftRef.current = next;
    setDraftState(next);
  };
  const updateDraft = (change: (d: Draft) => Draft) => draftRef.current && setDraft(change(draftRef.current));
  const [selected, setSelected] = useState<string | null>(null);
  const [issues, setIssues] = useState<Issues>(new Map());
  const [message, setMessage] = useState<{ kind: "error" | "conflict"; text: string } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const now = useNow();
  const editor = can(role, "MEMBER");

  const load = async (thenEdit = false) => {
    try {
      const v = await dashboardsApi.get(id);
      setCurrent(v);
      setLoadError(null);
      if (thenEdit && editor) setDraft(documentOf(v.dashboard));
    } catch (err) {
      setLoadError(err as Error);
    }
  };
  useEffect(() => {
    // `?edit` (a new dashboard opens in the editor) is taken once, not kept for a reload.
    const edit = new URLSearchParams(location.search).has("edit");
    if (edit) history.replaceState(null, "", location.pathname);
    void load(edit);
    devicesApi.list().then(
      (page) => setDevices(page.items),
      () => setDevices([]),
    );
  }, [id]);

  if (loadError)
    return (
      <section id="dashboard-view" aria-labelledby="page-title">
        <h1 id="page-title" tabIndex={-1}>
          Dashboard
        </h1>
        <p class="error" role="alert">
          {loadError instanceof ApiError && loadError.status === 404 ? "This dashboard does not exist (any more)." : describe(loadError)}
        </p>
        <a href="/dashboards" onClick={linkHandler("/dashboards")}>
          All dashboards
        </a>
      </section>
    );
  if (!current) return <p role="status">Loading…</p>;

  const doc = draft ?? documentOf(current.dashboard);
  const env: WidgetEnv = { timeRange: range ?? doc.timeRange, filter: filter ?? doc.filter, devices, now };

  const startEditing = () => {
    setDraft(documentOf(current.dashboard));
    setSaved(null);
    setMessage(null);
    setIssues(new Map());
  };
  const stopEditing = () => {
    setDraft(null);
    setSelected(null);
    setMessage(null);
    setIssues(new Map());
  };
  const save = async () => {
    const draft = draftRef.current;
    if (!draft) return;
    const checked = DashboardInput.safeParse(draft);
    if (!checked.success) {
      setIssues(issuesOf(checked.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }))));
      setMessage({ kind: "error", text: "Not saved: please fix the fields named below." });
      return;
    }
    setBusy(true);
    try {
      const next = await dashboardsApi.replace(id, draft, current.etag);
      setCurrent(next);
      stopEditing();
      setSaved(`Saved (version ${next.dashboard.version}).`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) setMessage({ kind: "conflict", text: err.detail });
      else {
        setIssues(err instanceof ApiError ? issuesOf(err.fields.map((f) => ({ path: f.field, message: f.message }))) : new Map());
        setMessage({ kind: "error", text: `Not saved: ${describe(err as Error)}` });
      }
    } finally {
      setBusy(false);
    }
  };
  const removeWidget = (w: Widget) => {
    updateDraft((d) => ({ ...d, widgets: d.widgets.filter((x) => x.id !== w.id) }));
    if (selected === w.id) setSelected(null);
  };

  return (
    <section id="dashboard-view" aria-labelledby="page-title" data-id={id} data-version={current.dashboard.version}>
      <p class="crumbs">
        <a href="/dashboards" onClick={linkHandler("/dashboards")}>
          Dashboards
        </a>
      </p>
      <div class="dash-head">
        <h1 id="page-title" tabIndex={-1}>
          {doc.name}
        </h1>
        <LiveBadge />
      </div>
      {doc.description && <p class="muted dash-description">{doc.description}</p>}
      <div class="dash-toolbar" role="group" aria-label="What the widgets show">
        <RangePicker value={env.timeRange} onChange={setRange} idPrefix="view-range" />
        <DeviceFilterPicker value={env.filter} devices={devices} onChange={setFilter} idPrefix="view-filter" />
        <div class="form-actions dash-actions">
          <button
            type="button"
            id="export-dashboard"
            onClick={() =>
              void dashboardsApi.exportDocument(id).then(
                (d) => downloadJson(exportFileName(current.dashboard.name), d),
                (e: Error) => setLoadError(e),
              )
            }
          >
            Export
          </button>
          {editor && !draft && (
            <button type="button" class="primary" id="edit-dashboard" onClick={startEditing}>
              Edit
            </button>
          )}
        </div>
      </div>
      {saved && (
        <p class="notice" role="status" id="save-status">
          {saved}
        </p>
      )}
      {draft && (
        <EditorPanel
          draft={draft}
          devices={devices}
          issues={issues}
          selected={selected}
          busy={busy}
          message={message}
          onChange={updateDraft}
          onSelect={setSelected}
          onSave={() => void save()}
          onCancel={stopEditing}
          onReload={() => {
            stopEditing();
            void load(true);
          }}
        />
      )}
      <Grid
        widgets={doc.widgets}
        env={env}
        selected={selected}
        {...(draft
          ? {
              controls: (w: Widget) => (
                <span class="widget-controls">
                  <button type="button" class="small" data-action="edit" aria-pressed={selected === w.id} onClick={() => setSelected(w.id)} aria-label={`Edit ${w.title ?? w.id}`}>
                    Edit
                  </button>
                  <button type="button" class="small danger" data-action="remove" onClick={() => removeWidget(w)} aria-label={`Remove ${w.title ?? w.id}`}>
                    Remove
                  </button>
                </span>
              ),
            }
          : {})}
      />
    </section>
  );
}
