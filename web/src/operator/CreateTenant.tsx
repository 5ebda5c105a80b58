/** Create a tenant (runs onboarding): its owner is an existing verified account or is invited by mail. */
import { useState } from "preact/hooks";
import { Region, Tenant } from "../../../domain/schemas/identity";
import { ApiError } from "../api";
import { Field, FormError } from "../components/Field";
import { operatorApi } from "./api";

export function CreateTenant({ onCreated }: { onCreated: () => void }) {
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const apiError = error instanceof ApiError ? error : null;

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value.trim();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const { tenant, invitation } = await operatorApi.create({ id: value("id"), name: value("name"), plan: value("plan") as Tenant["plan"], region: value("region") as Tenant["region"], ownerEmail: value("ownerEmail") });
      const owner = invitation ? (invitation.delivery === "mailed" ? `an OWNER invitation was mailed to ${invitation.email}` : `the invitation mail to ${invitation.email} could not be sent`) : "its owner is the existing account";
      setDone(`Created ${tenant.id} (${tenant.status}); ${owner}.`);
      form.reset();
      onCreated();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="create-tenant-heading">
      <h2 id="create-tenant-heading">Create a tenant</h2>
      <form id="create-tenant-form" class="grid-form" onSubmit={submit} noValidate>
        <Field label="Tenant id" name="id" error={apiError} hint="2–32 lowercase letters, digits and hyphens; the tenant's host name">
          {(a) => <input {...a} required maxLength={32} autocomplete="off" />}
        </Field>
        <Field label="Name" name="name" error={apiError}>
          {(a) => <input {...a} required />}
        </Field>
        <Field label="Owner email" name="ownerEmail" error={apiError}>
          {(a) => <input {...a} type="email" required />}
        </Field>
        <Field label="Plan" name="plan" error={apiError}>
          {(a) => (
            <select {...a}>
              {Tenant.shape.plan.options.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Region" name="region" error={apiError} hint="fixed once created">
          {(a) => (
            <select {...a}>
              {Region.options.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          )}
        </Field>
        <FormError error={error} id="create-tenant-error" />
        <div class="form-actions">
          <button type="submit" class="primary" disabled={busy}>
            Create tenant
          </button>
        </div>
      </form>
      {done && (
        <p role="status" class="notice" id="create-tenant-done">
          {done}
        </p>
      )}
    </section>
  );
}
