/**
 * API keys (ADMIN): the list, a new key (shown once, with a copy button), revoking. A key is
 * never stronger than its creator, so the role list stops at the user's own role.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { ROLES, roleAtLeast, type Role } from "../../../domain/roles";
import { ApiError } from "../api";
import { ConfirmAction } from "../components/ConfirmAction";
import { Field, FormError } from "../components/Field";
import { adminApi, type ApiKey } from "./api";
import { CopyButton, EmptyRow, ErrorText, MoreButton, PageHead, usePaged, when } from "./common";

export function ApiKeys({ role }: { role: Role }) {
  const keys = usePaged((cursor) => adminApi.apiKeys(cursor));
  const [created, setCreated] = useState<{ apiKey: ApiKey; key: string } | null>(null);
  const [actionError, setActionError] = useState<Error | null>(null);
  const [said, setSaid] = useState("");

  async function revoke(k: ApiKey) {
    setActionError(null);
    try {
      await adminApi.revokeApiKey(k.id);
      setSaid(`The key "${k.name}" was revoked; it stops working at once.`);
      if (created?.apiKey.id === k.id) setCreated(null);
    } catch (err) {
      setActionError(err as Error);
    }
    await keys.reload();
  }

  return (
    <section id="api-keys-view" aria-labelledby="page-title">
      <PageHead id="api-keys-head" title="API keys">
        Keys let scripts and applications use the API and connect over MQTT as <code>api</code>.
      </PageHead>
      <ErrorText error={keys.error} />
      <ErrorText error={actionError} id="api-key-error" />
      <p role="status" class="ok" id="api-key-status">
        {said}
      </p>
      {created && <KeyOnce created={created} onDone={() => setCreated(null)} />}
      <div class="table-wrap">
        <table id="api-key-table" class="rows-on-phone">
          <caption class="visually-hidden">API keys of this workspace</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Prefix</th>
              <th scope="col">Role</th>
              <th scope="col">Mountpoint</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody id="api-key-rows">
            <EmptyRow items={keys.items} cols={7} empty="No API keys yet." />
            {keys.items?.map((k) => (
              <tr key={k.id} data-key={k.id}>
                <td data-label="Name">{k.name}</td>
                <td data-label="Prefix">
                  <code>{k.prefix}</code>
                </td>
                <td data-label="Role">{k.role}</td>
                <td data-label="Mountpoint">{k.mountpoint ? <code>{k.mountpoint}</code> : "—"}</td>
                <td data-label="Expires">{k.expiresAt !== null && k.expiresAt < Date.now() ? `expired ${when(k.expiresAt)}` : when(k.expiresAt, "never")}</td>
                <td data-label="Last used">{when(k.lastUsedAt)}</td>
                <td data-label="Actions">
                  <ConfirmAction label="Revoke" question={`Revoke "${k.name}"? Anything using it stops working.`} onConfirm={() => revoke(k)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <MoreButton next={keys.next} onMore={() => void keys.more()} />
      <CreateKey
        role={role}
        onCreated={(c) => {
          setSaid("");
          setCreated(c);
          void keys.reload();
        }}
      />
    </section>
  );
}

function CreateKey({ role, onCreated }: { role: Role; onCreated: (c: { apiKey: ApiKey; key: string }) => void }) {
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const mountpoint = String(data.get("mountpoint") ?? "").trim();
    const days = String(data.get("expiresInDays") ?? "").trim();
    setBusy(true);
    setError(null);
    try {
      const created = await adminApi.createApiKey({
        name: String(data.get("name") ?? ""),
        role: String(data.get("role")) as Role,
        ...(mountpoint ? { mountpoint } : {}),
        // A number the schema can judge (a non-number reads as NaN and is named as the field's problem).
        ...(days ? { expiresInDays: Number(days) } : {}),
      });
      form.reset();
      onCreated(created);
    } catch (err) {
      setError(err as Error);
      if (err instanceof ApiError && err.fields[0]) form.querySelector<HTMLElement>(`[name="${err.fields[0].field}"]`)?.focus();
    } finally {
      setBusy(false);
    }
  }

  const apiError = error instanceof ApiError ? error : null;
  return (
    <section class="card" aria-labelledby="create-key-title">
      <h2 id="create-key-title">Create a key</h2>
      <form id="api-key-form" class="grid-form" onSubmit={submit} noValidate>
        <Field label="Name" name="name" error={apiError} hint="What uses it, e.g. billing export">
          {(a) => <input {...a} required />}
        </Field>
        <Field label="Role" name="role" error={apiError} hint="At most your own role">
          {(a) => (
            <select {...a}>
              {ROLES.filter((r) => roleAtLeast(role, r)).map((r) => (
                <option key={r} value={r} selected={r === "VIEWER"}>
                  {r}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Mountpoint" name="mountpoint" error={apiError} hint="Optional MQTT topic prefix the key is confined to">
          {(a) => <input {...a} autocapitalize="off" spellcheck={false} placeholder="e.g. t/tenant/devices/line-1/" />}
        </Field>
        <Field label="Expires in (days)" name="expiresInDays" error={apiError} hint="Optional, 1–3650; empty: never">
          {(a) => <input {...a} type="number" inputMode="numeric" min={1} max={3650} />}
        </Field>
        <div class="form-actions">
          <button type="submit" class="primary" id="create-api-key" disabled={busy}>
            Create key
          </button>
        </div>
        <FormError error={error} id="create-key-error" />
      </form>
    </section>
  );
}

/** The key itself, shown once: only its hash is stored, so nobody can show it again. */
function KeyOnce({ created, onDone }: { created: { apiKey: ApiKey; key: string }; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section id="new-api-key" class="card secret" aria-labelledby="new-key-title">
      <h2 id="new-key-title" ref={heading} tabIndex={-1}>
        The key "{created.apiKey.name}" ({created.apiKey.role})
      </h2>
      <p>
        <strong>Shown only once.</strong> Store it now; if it is lost, revoke it and create another.
      </p>
      <pre id="new-api-key-value" class="wrap">
        {created.key}
      </pre>
      <div class="form-actions">
        <CopyButton text={created.key} label="Copy key" id="copy-api-key" />
        <button type="button" id="api-key-done" onClick={onDone}>
          Done
        </button>
      </div>
    </section>
  );
}
