/**
 * A profile's metric schema as editable rows (name, type, unit, min, max). Rows hold text as typed;
 * `metricsFrom` turns them into the profile's `metrics` map for the shared schema to check, so a
 * bad number or name comes back as an error on that row's field (`metrics.{name}.min`).
 */
import type { DeviceProfile } from "../../../domain/schemas/assets";
import type { ApiError } from "../api";

export type MetricRow = { key: number; name: string; type: "" | "number" | "boolean" | "string"; unit: string; min: string; max: string };
type Rule = DeviceProfile["metrics"][string];

let nextKey = 1;
export const emptyRow = (): MetricRow => ({ key: nextKey++, name: "", type: "", unit: "", min: "", max: "" });

export function rowsFrom(metrics: DeviceProfile["metrics"]): MetricRow[] {
  return Object.entries(metrics).map(([name, r]) => ({ key: nextKey++, name, type: r.type ?? "", unit: r.unit ?? "", min: r.min === undefined ? "" : String(r.min), max: r.max === undefined ? "" : String(r.max) }));
}

/** The rows as a metrics map; empty rows are skipped, a repeated name is reported rather than merged. */
export function metricsFrom(rows: MetricRow[]): { metrics: Record<string, Rule>; duplicate: string | null } {
  const metrics: Record<string, Rule> = {};
  for (const r of rows) {
    const name = r.name.trim();
    if (!name && !r.unit && !r.min && !r.max && !r.type) continue;
    if (name in metrics) return { metrics, duplicate: name };
    const rule: Rule = {};
    if (r.type) rule.type = r.type;
    if (r.unit.trim()) rule.unit = r.unit.trim();
    // Not-a-number is left for the schema to name ("expected number") on this row's field.
    if (r.min.trim()) rule.min = Number(r.min);
    if (r.max.trim()) rule.max = Number(r.max);
    metrics[name] = rule;
  }
  return { metrics, duplicate: null };
}

type Props = { rows: MetricRow[]; onChange: (rows: MetricRow[]) => void; error: ApiError | null; readOnly?: boolean };

export function MetricEditor({ rows, onChange, error, readOnly = false }: Props) {
  const set = (key: number, patch: Partial<MetricRow>) => onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const messageFor = (r: MetricRow, field?: string) => error?.fields.find((f) => f.field === `metrics.${r.name.trim()}${field ? `.${field}` : ""}`)?.message;
  return (
    <fieldset class="metric-editor" id="metric-editor">
      <legend>Metrics</legend>
      <p class="hint">Which readings devices with this profile may send. No rows: any metric is allowed.</p>
      <div class="metric-rows">
        {rows.map((r, i) => {
          const rowError = messageFor(r);
          const cell = (field: "name" | "unit" | "min" | "max", label: string, extra: Record<string, string> = {}) => {
            const message = field === "name" ? rowError : messageFor(r, field);
            const id = `metric-${r.key}-${field}`;
            return (
              <div class="field">
                <label for={id}>{label}</label>
                <input
                  id={id}
                  name={`metrics.${i}.${field}`}
                  value={r[field]}
                  readOnly={readOnly}
                  aria-invalid={message ? "true" : undefined}
                  aria-describedby={message ? `${id}-error` : undefined}
                  onInput={(e) => set(r.key, { [field]: (e.currentTarget as HTMLInputElement).value })}
                  {...extra}
                />
                {message && (
                  <small id={`${id}-error`} class="field-error">
                    {label}: {message}
                  </small>
                )}
              </div>
            );
          };
          return (
            <div class="metric-row" key={r.key} role="group" aria-label={`Metric ${i + 1}`} data-metric-row={i}>
              {cell("name", "Name", { autocapitalize: "off", spellcheck: "false" })}
              <div class="field">
                <label for={`metric-${r.key}-type`}>Type</label>
                <select id={`metric-${r.key}-type`} name={`metrics.${i}.type`} value={r.type} disabled={readOnly} onChange={(e) => set(r.key, { type: (e.currentTarget as HTMLSelectElement).value as MetricRow["type"] })}>
                  <option value="">any</option>
                  <option value="number">number</option>
                  <option value="boolean">boolean</option>
                  <option value="string">string</option>
                </select>
              </div>
              {cell("unit", "Unit")}
              {cell("min", "Min", { inputMode: "decimal" })}
              {cell("max", "Max", { inputMode: "decimal" })}
              {!readOnly && (
                <button type="button" class="remove-metric" aria-label={`Remove metric ${r.name || i + 1}`} onClick={() => onChange(rows.filter((x) => x.key !== r.key))}>
                  Remove
                </button>
              )}
            </div>
          );
        })}
      </div>
      {!readOnly && (
        <button type="button" id="add-metric" onClick={() => onChange([...rows, emptyRow()])}>
          Add metric
        </button>
      )}
    </fieldset>
  );
}
