/**
 * The dashboard editor (MEMBER and up): the dashboard's name, description, default range and
 * filter; adding widgets; moving and resizing the chosen one with buttons (no dragging needed)
 * and editing its settings; saving with the version it started from. A stale save (412) names
 * what happened — someone else saved first — and offers to load their version.
 */
import { useEffect, useState } from "preact/hooks";
import { MAX_WIDGETS, WIDGET_TYPES, type DashboardDocument, type Widget, type WidgetType } from "../../../../domain/schemas/dashboards";
import type { Device } from "../../../../domain/schemas/devices";
import { telemetryApi } from "../api";
import { TYPE_LABELS } from "../Grid";
import { DeviceFilterPicker, RangePicker } from "../Toolbar";
import { TextRow, type Issues } from "./controls";
import { newWidget, nudged, type Nudge } from "./layout";
import { WidgetForm } from "./WidgetForm";

export type Draft = DashboardDocument;

type Props = {
  draft: Draft;
  devices: Device[] | null;
  issues: Issues;
  selected: string | null;
  busy: boolean;
  message: { kind: "error" | "conflict"; text: string } | null;
  /** Applies a change to the newest draft. */
  onChange: (change: (d: Draft) => Draft) => void;
  onSelect: (id: string | null) => void;
  onSave: () => void;
  onCancel: () => void;
  onReload: () => void;
};

const NUDGE_BUTTONS: [Nudge, string][] = [
  ["left", "Move left"],
  ["right", "Move right"],
  ["up", "Move up"],
  ["down", "Move down"],
  ["narrower", "Narrower"],
  ["wider", "Wider"],
  ["shorter", "Shorter"],
  ["taller", "Taller"],
];

function useMetricNames(devices: Device[] | null): string[] {
  const [names, setNames] = useState<string[]>([]);
  useEffect(() => {
    if (!devices?.length) return;
    telemetryApi.latest(devices.slice(0, 100).map((d) => d.id)).then(
      (a) => setNames([...new Set(a.items.flatMap((i) => Object.keys(i.values)))].sort()),
      () => undefined,
    );
  }, [devices]);
  return names;
}

export function EditorPanel({ draft, devices, issues, selected, busy, message, onChange, onSelect, onSave, onCancel, onReload }: Props) {
  const [type, setType] = useState<WidgetType>("timeseries");
  const metrics = useMetricNames(devices);
  // Keyboard users land in the form of the widget they chose (or just added).
  useEffect(() => {
    if (selected) document.querySelector<HTMLInputElement>(`#widget-form-${CSS.escape(selected)} input`)?.focus();
  }, [selected]);
  const index = draft.widgets.findIndex((w) => w.id === selected);
  const widget = index >= 0 ? draft.widgets[index]! : null;
  const changeWidget = (id: string) => (change: (w: Widget) => Widget) => onChange((d) => ({ ...d, widgets: d.widgets.map((x) => (x.id === id ? change(x) : x)) }));

  return (
    <section class="card editor" id="dashboard-editor" aria-labelledby="editor-title">
      <div class="editor-bar">
        <h2 id="editor-title">Editing</h2>
        <div class="form-actions">
          <button type="button" class="primary" id="save-dashboard" disabled={busy} onClick={onSave}>
            {busy ? "Saving…" : "Save"}
          </button>
          <button type="button" id="cancel-edit" onClick={onCancel}>
            Discard changes
          </button>
        </div>
      </div>
      {message?.kind === "conflict" && (
        <div class="conflict" role="alert" id="save-conflict">
          <p>
            <strong>Not saved: someone else saved this dashboard while you were editing.</strong> {message.text} Saving your copy would overwrite their changes.
          </p>
          <div class="form-actions">
            <button type="button" id="reload-dashboard" onClick={onReload}>
              Load their version (discards your changes)
            </button>
          </div>
        </div>
      )}
      {message?.kind === "error" && (
        <div class="error" role="alert" id="save-error">
          <p>{message.text}</p>
          {issues.size > 0 && (
            <ul>
              {[...issues].map(([path, text]) => (
                <li key={path}>
                  <code>{path}</code>: {text}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}

      <datalist id="editor-device-ids">
        {devices?.map((d) => (
          <option key={d.id} value={d.id} />
        ))}
      </datalist>
      <datalist id="editor-metrics">
        {metrics.map((m) => (
          <option key={m} value={m} />
        ))}
      </datalist>

      <details class="dashboard-settings">
        <summary>Dashboard settings</summary>
        <div class="grid-form">
          <TextRow label="Name" path="name" name="dashboardName" issues={issues} value={draft.name} onChange={(name) => onChange((d) => ({ ...d, name: name ?? "" }))} />
          <TextRow label="Description" path="description" name="dashboardDescription" issues={issues} value={draft.description} onChange={(description) => onChange((d) => ({ ...d, description: description ?? "" }))} />
        </div>
        <p class="muted">Default time range and devices, as viewers first see them:</p>
        <RangePicker value={draft.timeRange} onChange={(timeRange) => onChange((d) => ({ ...d, timeRange }))} idPrefix="default-range" />
        <DeviceFilterPicker value={draft.filter} devices={devices} onChange={(filter) => onChange((d) => ({ ...d, filter }))} idPrefix="default-filter" />
      </details>

      <div class="add-widget">
        <label for="add-widget-type">New widget</label>
        <select id="add-widget-type" value={type} onChange={(e) => setType((e.currentTarget as HTMLSelectElement).value as WidgetType)}>
          {WIDGET_TYPES.map((t) => (
            <option key={t} value={t}>
              {TYPE_LABELS[t]}
            </option>
          ))}
        </select>
        <button
          type="button"
          id="add-widget"
          disabled={draft.widgets.length >= MAX_WIDGETS}
          onClick={() => {
            const w = newWidget(type, draft.widgets, devices?.[0]?.id ?? "");
            onChange((d) => ({ ...d, widgets: [...d.widgets, w] }));
            onSelect(w.id);
          }}
        >
          Add widget
        </button>
      </div>

      {widget ? (
        <div class="selected-widget">
          <div class="nudges" role="group" aria-label={`Place ${widget.title ?? widget.id}`}>
            {NUDGE_BUTTONS.map(([how, label]) => {
              const next = nudged(draft.widgets, widget, how);
              return (
                <button key={how} type="button" class="small" data-nudge={how} disabled={!next} onClick={() => next && changeWidget(widget.id)(() => next)}>
                  {label}
                </button>
              );
            })}
          </div>
          <WidgetForm widget={widget} index={index} issues={issues} devices={devices} onChange={changeWidget(widget.id)} />
          <div class="form-actions">
            <button type="button" onClick={() => onSelect(null)}>
              Done with this widget
            </button>
          </div>
        </div>
      ) : (
        <p class="muted">Choose “Edit” on a widget to change it, or add one.</p>
      )}
    </section>
  );
}
