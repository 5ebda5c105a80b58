/**
 * Settings: the workspace's name and branding (the name on the login page, logo, primary and
 * accent colours), with a live preview of the header and the login as they will look. ADMIN and
 * up save (PATCH /tenant); the console then wears the new branding at once. Others see it read-only.
 */
import { useState } from "preact/hooks";
import type { Role } from "../../../domain/roles";
import type { TenantView } from "../../../domain/schemas/identity";
import { ApiError } from "../api";
import { announceTenantChanged, brandFrom, type Brand } from "../branding";
import { Field, FormError } from "../components/Field";
import { can } from "../roles";
import { adminApi } from "./api";
import { BrandPreview, DEFAULT_ACCENT, DEFAULT_PRIMARY } from "./BrandPreview";
import { PageHead, ReadOnlyNote } from "./common";

type Draft = { name: string; displayName: string; logoUrl: string; primaryColor: string; accentColor: string };

const HEX = /^#[0-9a-fA-F]{6}$/;

function draftFrom(view: TenantView): Draft {
  const b = view.tenant.branding;
  return { name: view.tenant.name, displayName: b.displayName ?? "", logoUrl: b.logoUrl ?? "", primaryColor: b.primaryColor ?? "", accentColor: b.accentColor ?? "" };
}

/** What the draft would look like: invalid colours or logo are left out, as the console would. */
function previewBrand(d: Draft): Brand {
  return brandFrom(d.name || "—", {
    ...(d.displayName.trim() ? { displayName: d.displayName.trim() } : {}),
    ...(/^https:\/\/\S+$/.test(d.logoUrl.trim()) ? { logoUrl: d.logoUrl.trim() } : {}),
    ...(HEX.test(d.primaryColor) ? { primaryColor: d.primaryColor } : {}),
    ...(HEX.test(d.accentColor) ? { accentColor: d.accentColor } : {}),
  });
}

export function Settings({ role, view }: { role: Role; view: TenantView | null }) {
  // Kept here, not in the form: a save re-reads the tenant, which remounts the form with the
  // saved values (keyed by updatedAt) — the confirmation must survive that.
  const [said, setSaid] = useState("");
  if (!view) return <p role="status">Loading…</p>;
  return <SettingsForm key={view.tenant.updatedAt} role={role} view={view} said={said} setSaid={setSaid} />;
}

function SettingsForm({ role, view, said, setSaid }: { role: Role; view: TenantView; said: string; setSaid: (s: string) => void }) {
  const editable = can(role, "ADMIN");
  const [draft, setDraft] = useState<Draft>(() => draftFrom(view));
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (field: keyof Draft) => (e: Event) => setDraft((d) => ({ ...d, [field]: (e.currentTarget as HTMLInputElement).value }));

  async function save(e: SubmitEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaid("");
    const trimmed = (s: string) => s.trim();
    try {
      await adminApi.updateTenant({
        name: draft.name,
        // The branding is replaced as a whole: an emptied field removes that part of it.
        branding: Object.fromEntries(
          Object.entries({ displayName: draft.displayName, logoUrl: draft.logoUrl, primaryColor: draft.primaryColor, accentColor: draft.accentColor })
            .map(([k, v]) => [k, trimmed(v)])
            .filter(([, v]) => v),
        ),
      });
      setSaid("Saved. The console now wears the new branding.");
      announceTenantChanged();
    } catch (err) {
      setError(err as Error);
      const field = err instanceof ApiError ? err.fields[0]?.field : undefined;
      if (field) document.querySelector<HTMLElement>(`#settings-form [name="${field}"]`)?.focus();
    } finally {
      setBusy(false);
    }
  }

  const apiError = error instanceof ApiError ? error : null;
  return (
    <section id="settings-view" aria-labelledby="page-title">
      <PageHead id="settings-head" title="Settings">
        The workspace's name and how its console and login page look.
      </PageHead>
      {!editable && <ReadOnlyNote role={role} needs="ADMIN" what="change the name or branding" />}
      <div class="settings-grid">
        <form id="settings-form" class="card" onSubmit={save} noValidate aria-label="Name and branding">
          <fieldset disabled={!editable}>
            <legend class="visually-hidden">Name and branding</legend>
            <Field label="Workspace name" name="name" error={apiError}>
              {(a) => <input {...a} value={draft.name} onInput={set("name")} required />}
            </Field>
            <Field label="Name on the login page and header" name="branding.displayName" error={apiError} hint="Optional; the workspace name when empty">
              {(a) => <input {...a} value={draft.displayName} onInput={set("displayName")} />}
            </Field>
            <Field label="Logo URL" name="branding.logoUrl" error={apiError} hint="Optional; an https:// address of an image">
              {(a) => <input {...a} type="url" value={draft.logoUrl} onInput={set("logoUrl")} autocapitalize="off" spellcheck={false} placeholder="https://example.com/logo.svg" />}
            </Field>
            <ColourField label="Primary colour (header)" name="branding.primaryColor" fallback={DEFAULT_PRIMARY} value={draft.primaryColor} onInput={set("primaryColor")} error={apiError} />
            <ColourField label="Accent colour (buttons)" name="branding.accentColor" fallback={DEFAULT_ACCENT} value={draft.accentColor} onInput={set("accentColor")} error={apiError} />
          </fieldset>
          {editable && (
            <div class="form-actions">
              <button type="submit" class="primary" id="save-settings" disabled={busy}>
                Save
              </button>
              <button type="button" onClick={() => setDraft(draftFrom(view))}>
                Undo changes
              </button>
            </div>
          )}
          <FormError error={error} id="settings-error" />
          <p role="status" class="ok" id="settings-status">
            {said}
          </p>
        </form>
        <BrandPreview brand={previewBrand(draft)} />
      </div>
    </section>
  );
}

/** A hex colour as text (empty: none), with the browser's colour picker beside it. */
function ColourField({ label, name, value, fallback, onInput, error }: { label: string; name: string; value: string; fallback: string; onInput: (e: Event) => void; error: ApiError | null }) {
  return (
    <Field label={label} name={name} error={error} hint="#rrggbb; empty for the default">
      {(a) => (
        <div class="colour-input">
          <input {...a} value={value} onInput={onInput} autocapitalize="off" spellcheck={false} placeholder={fallback} maxLength={7} />
          <input type="color" aria-label={`${label}: pick`} value={HEX.test(value) ? value.toLowerCase() : fallback} onInput={onInput} />
        </div>
      )}
    </Field>
  );
}
