/**
 * A tenant's plan and per-tenant limit overrides. An empty field means "the plan's value"; the
 * API replaces the overrides as a whole, so the form always sends every override it shows.
 */
import { useState } from "preact/hooks";
import { Tenant } from "../../../domain/schemas/identity";
import type { TenantSummary } from "../../../domain/schemas/operator";
import { ApiError } from "../api";
import { Field, FormError } from "../components/Field";
import { operatorApi } from "./api";
import { limitLabel, num } from "./format";

/**
 * `saved` lives with the caller: a save reloads the tenant, which remounts this form (keyed by
 * updatedAt, so the fields show the saved values) — the confirmation must outlive that.
 */
export function LimitsForm({ tenant, saved, setSaved, onSaved }: { tenant: TenantSummary; saved: boolean; setSaved: (s: boolean) => void; onSaved: () => void }) {
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const apiError = error instanceof ApiError ? error : null;
  const keys = Object.keys(tenant.effectiveLimits) as (keyof TenantSummary["effectiveLimits"])[];
  const frozen = tenant.status === "offboarding" || tenant.status === "deleted";

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const limits: Record<string, number> = {};
    for (const key of keys) {
      const raw = (form.elements.namedItem(`limits.${key}`) as HTMLInputElement).value.trim();
      if (raw !== "") limits[key] = Number(raw);
    }
    const plan = (form.elements.namedItem("plan") as HTMLSelectElement).value as Tenant["plan"];
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await operatorApi.update(tenant.id, { plan, limits });
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  if (frozen)
    return (
      <section class="card" aria-labelledby="limits-heading">
        <h2 id="limits-heading">Plan and limits</h2>
        <p class="muted">A tenant that is {tenant.status} cannot be changed.</p>
      </section>
    );
  return (
    <section class="card" aria-labelledby="limits-heading">
      <h2 id="limits-heading">Plan and limits</h2>
      <form id="limits-form" onSubmit={submit} noValidate>
        <fieldset disabled={busy} class="plain-fieldset">
          <Field label="Plan" name="plan" error={apiError}>
            {(a) => (
              <select {...a}>
                {Tenant.shape.plan.options.map((p) => (
                  <option key={p} selected={p === tenant.plan}>
                    {p}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <details open={Object.keys(tenant.limits).length > 0}>
            <summary>Limit overrides ({Object.keys(tenant.limits).length})</summary>
            <p class="hint">Leave a field empty to use the plan's value. The value in force now is shown under each field.</p>
            <div class="grid-form limits-grid">
              {keys.map((key) => (
                <Field key={key} label={limitLabel(key)} name={`limits.${key}`} error={apiError} hint={`in force: ${num(tenant.effectiveLimits[key])}${key in tenant.limits ? " (overridden)" : ""}`}>
                  {(a) => <input {...a} type="number" inputMode="numeric" min={0} step="any" defaultValue={String(tenant.limits[key] ?? "")} />}
                </Field>
              ))}
            </div>
          </details>
        </fieldset>
        <FormError error={error} id="limits-error" />
        <div class="form-actions">
          <button type="submit" class="primary" disabled={busy}>
            Save plan and limits
          </button>
          {saved && (
            <span role="status" id="limits-saved">
              Saved.
            </span>
          )}
        </div>
      </form>
    </section>
  );
}
