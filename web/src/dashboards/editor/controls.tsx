/** Small labelled inputs for the editor's forms; a problem the schema found is shown under its field. */
import type { ComponentChildren } from "preact";
import { useId } from "preact/hooks";

export type Issues = Map<string, string>;

type RowProps = { label: string; path: string; issues: Issues; children: (a: { id: string; "aria-invalid"?: "true"; "aria-describedby"?: string }) => ComponentChildren; class?: string };

function Row({ label, path, issues, children, class: cls }: RowProps) {
  const id = `ed-${useId()}`;
  const message = issues.get(path);
  return (
    <div class={`field${cls ? ` ${cls}` : ""}`}>
      <label for={id}>{label}</label>
      {children({ id, ...(message ? { "aria-invalid": "true" as const, "aria-describedby": `${id}-error` } : {}) })}
      {message && (
        <small id={`${id}-error`} class="field-error" data-path={path}>
          {label}: {message}
        </small>
      )}
    </div>
  );
}

type Input = { label: string; path: string; issues: Issues; name?: string };

export function TextRow({ value, onChange, optional, list, ...p }: Input & { value: string | undefined; onChange: (v: string | undefined) => void; optional?: boolean; list?: string }) {
  return (
    <Row {...p}>
      {(a) => (
        <input
          {...a}
          name={p.name ?? p.path}
          value={value ?? ""}
          list={list}
          onInput={(e) => {
            const v = (e.currentTarget as HTMLInputElement).value;
            onChange(optional && v.trim() === "" ? undefined : v);
          }}
        />
      )}
    </Row>
  );
}

/** Blank is `undefined` when optional, else NaN (which the schema names as not a number). */
export function NumberRow({ value, onChange, optional, min, max, step, ...p }: Input & { value: number | undefined; onChange: (v: number | undefined) => void; optional?: boolean; min?: number; max?: number; step?: number | "any" }) {
  return (
    <Row {...p}>
      {(a) => (
        <input
          {...a}
          type="number"
          name={p.name ?? p.path}
          inputMode="decimal"
          min={min}
          max={max}
          step={step ?? 1}
          value={value === undefined || Number.isNaN(value) ? "" : String(value)}
          onInput={(e) => {
            const raw = (e.currentTarget as HTMLInputElement).value;
            onChange(raw === "" ? (optional ? undefined : Number.NaN) : Number(raw));
          }}
        />
      )}
    </Row>
  );
}

export function SelectRow<T extends string>({ value, options, onChange, ...p }: Input & { value: T; options: readonly (readonly [T, string])[]; onChange: (v: T) => void }) {
  return (
    <Row {...p}>
      {(a) => (
        <select {...a} name={p.name ?? p.path} value={value} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value as T)}>
          {options.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      )}
    </Row>
  );
}
