/**
 * Webhook targets for alarm events (ADMIN): list, add (the signing secret is shown once, with a
 * copy button), edit, delete (asked twice), and each target's delivery log.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { WebhookTarget } from "../../../domain/schemas/alarms";
import { describe } from "../components/Field";
import { alarmsApi } from "./api";
import { DeliveryLog } from "./DeliveryLog";
import { WebhookForm } from "./WebhookForm";

export function WebhookTargets() {
  const [targets, setTargets] = useState<WebhookTarget[] | null>(null);
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const [open, setOpen] = useState<{ id: string; view: "edit" | "log" | "delete" } | null>(null);
  const [error, setError] = useState<Error | null>(null);

  useEffect(() => {
    alarmsApi.webhooks().then(
      (page) => setTargets(page.items),
      (err: Error) => setError(err),
    );
  }, []);

  const saved = (t: WebhookTarget, newSecret?: string) => {
    setTargets((list) => (list?.some((x) => x.id === t.id) ? list.map((x) => (x.id === t.id ? t : x)) : [...(list ?? []), t]));
    if (newSecret) setSecret({ name: t.name, value: newSecret });
    setOpen(null);
  };

  async function remove(id: string) {
    try {
      await alarmsApi.deleteWebhook(id);
      setTargets((list) => list?.filter((t) => t.id !== id) ?? null);
      setError(null);
    } catch (err) {
      setError(err as Error);
    } finally {
      setOpen(null);
    }
  }

  const toggle = (id: string, view: "edit" | "log" | "delete") => setOpen((o) => (o?.id === id && o.view === view ? null : { id, view }));

  return (
    <section aria-labelledby="webhooks-title" id="alarm-webhooks">
      <h2 id="webhooks-title">Webhook targets</h2>
      <p class="muted">Each alarm raised, acknowledged or cleared is POSTed, signed with the target's secret, to every enabled target it is severe enough for.</p>
      <div class="card">
        <h3>New target</h3>
        <WebhookForm target={null} onSaved={saved} />
      </div>
      {secret && <SecretShownOnce name={secret.name} secret={secret.value} onDismiss={() => setSecret(null)} />}
      <p class="error" role="alert" id="webhooks-error">
        {error ? describe(error) : ""}
      </p>
      {targets === null ? (
        <p class="muted">Loading targets…</p>
      ) : targets.length === 0 ? (
        <p class="muted" id="webhooks-empty">
          No webhook targets yet.
        </p>
      ) : (
        <ul class="rule-list" id="webhook-list">
          {targets.map((t) => (
            <li key={t.id} id={`webhook-${t.id}`} class="card rule">
              <div class="alarm-head">
                <strong>{t.name}</strong>
                <code class="webhook-url">{t.url}</code>
                <span class="muted">{t.minSeverity} and up</span>
                {!t.enabled && <span class="status">disabled</span>}
              </div>
              <div class="form-actions">
                <button type="button" class="edit-webhook" aria-expanded={open?.id === t.id && open.view === "edit"} onClick={() => toggle(t.id, "edit")}>
                  Edit
                </button>
                <button type="button" class="show-deliveries" aria-expanded={open?.id === t.id && open.view === "log"} onClick={() => toggle(t.id, "log")}>
                  Delivery log
                </button>
                {open?.id === t.id && open.view === "delete" ? (
                  <button type="button" class="danger confirm-delete-webhook" onClick={() => void remove(t.id)}>
                    Delete {t.name} and its log for good
                  </button>
                ) : (
                  <button type="button" class="delete-webhook" onClick={() => toggle(t.id, "delete")}>
                    Delete
                  </button>
                )}
              </div>
              {open?.id === t.id && open.view === "edit" && <WebhookForm target={t} onSaved={saved} onCancel={() => setOpen(null)} />}
              {open?.id === t.id && open.view === "log" && <DeliveryLog targetId={t.id} />}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function SecretShownOnce({ name, secret, onDismiss }: { name: string; secret: string; onDismiss: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [copied, setCopied] = useState("");
  useEffect(() => heading.current?.focus(), []);
  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("The secret was copied to the clipboard.");
    } catch {
      setCopied("Copying is not allowed here; select the secret and copy it.");
    }
  }
  return (
    <section class="card secret" id="webhook-secret" aria-labelledby="webhook-secret-title">
      <h3 id="webhook-secret-title" ref={heading} tabIndex={-1}>
        Signing secret for {name}
      </h3>
      <p>
        <strong>Shown only once.</strong> Receivers check <code>x-skylark-signature</code> with it; store it now.
      </p>
      <pre id="webhook-secret-text">{secret}</pre>
      <div class="form-actions">
        <button type="button" id="copy-webhook-secret" onClick={() => void copy()}>
          Copy secret
        </button>
        <button type="button" id="dismiss-webhook-secret" onClick={onDismiss}>
          I have stored it
        </button>
      </div>
      <p role="status" class="muted">
        {copied}
      </p>
    </section>
  );
}
