/**
 * Custom domains (ADMIN): add a hostname, see the exact DNS records to create, verify, remove.
 * The records and the failure reason are the API's own words; nothing here guesses at DNS.
 */
import { useState } from "preact/hooks";
import { ApiError } from "../api";
import { ConfirmAction } from "../components/ConfirmAction";
import { Field, FormError } from "../components/Field";
import { adminApi, type Domain, type Verification } from "./api";
import { CopyButton, ErrorText, MoreButton, PageHead, usePaged, when } from "./common";

export function Domains() {
  const domains = usePaged(() => adminApi.domains());
  const [said, setSaid] = useState("");
  const [error, setError] = useState<Error | null>(null);

  return (
    <section id="domains-view" aria-labelledby="page-title">
      <PageHead id="domains-head" title="Custom domains">
        Serve this workspace's console, API and MQTT on a hostname of your own.
      </PageHead>
      <AddDomain
        onAdded={(d) => {
          setSaid(`${d.hostname} was added. Create the DNS records below, then verify.`);
          void domains.reload();
        }}
      />
      <ErrorText error={domains.error} />
      <ErrorText error={error} id="domain-error" />
      <p role="status" class="ok" id="domain-status">
        {said}
      </p>
      <div id="domain-list">
        {domains.items === null && !domains.error && <p class="muted">Loading…</p>}
        {domains.items?.length === 0 && <p class="muted">No custom domains yet.</p>}
        {domains.items?.map((d) => (
          <DomainCard
            key={d.hostname}
            domain={d}
            onChanged={(message, err) => {
              setSaid(message);
              setError(err);
              void domains.reload();
            }}
          />
        ))}
      </div>
      <MoreButton next={domains.next} onMore={() => void domains.more()} />
    </section>
  );
}

function AddDomain({ onAdded }: { onAdded: (d: Domain) => void }) {
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    setBusy(true);
    setError(null);
    try {
      const d = await adminApi.addDomain({ hostname: String(new FormData(form).get("hostname") ?? "").trim() });
      form.reset();
      onAdded(d);
    } catch (err) {
      setError(err as Error);
      form.querySelector<HTMLElement>("[name=hostname]")?.focus();
    } finally {
      setBusy(false);
    }
  }
  return (
    <form id="domain-form" class="grid-form card" onSubmit={submit} noValidate aria-label="Add a custom domain">
      <Field label="Hostname" name="hostname" error={error instanceof ApiError ? error : null} hint="e.g. iot.example.com">
        {(a) => <input {...a} required autocapitalize="off" spellcheck={false} inputMode="url" />}
      </Field>
      <div class="form-actions">
        <button type="submit" class="primary" id="add-domain" disabled={busy}>
          Add domain
        </button>
      </div>
      <FormError error={error} id="add-domain-error" />
    </form>
  );
}

function DomainCard({ domain: d, onChanged }: { domain: Domain; onChanged: (message: string, error: Error | null) => void }) {
  const [checks, setChecks] = useState<Verification["checks"] | null>(null);
  const [busy, setBusy] = useState(false);
  const titleId = `domain-${d.hostname.replace(/[^a-z0-9]/g, "-")}`;

  async function verify() {
    setBusy(true);
    try {
      const result = await adminApi.verifyDomain(d.hostname);
      setChecks(result.checks);
      onChanged(result.domain.status === "active" ? `${d.hostname} is verified and active.` : `${d.hostname} is not verified yet.`, null);
    } catch (err) {
      onChanged("", err as Error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <article class="card domain" aria-labelledby={titleId} data-hostname={d.hostname}>
      <header class="domain-head">
        <h2 id={titleId}>{d.hostname}</h2>
        <span class={`badge badge-${d.status}`} data-status={d.status}>
          {d.status}
        </span>
      </header>
      {d.failureReason && (
        <p class="failure-reason">
          <strong>Why it failed:</strong> {d.failureReason}
        </p>
      )}
      {d.verifiedAt && <p class="muted">Verified {when(d.verifiedAt)}</p>}
      <h3>DNS records to create</h3>
      <div class="table-wrap">
        <table class="dns-records rows-on-phone">
          <caption class="visually-hidden">DNS records for {d.hostname}</caption>
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
              <th scope="col">Purpose</th>
            </tr>
          </thead>
          <tbody>
            {d.dnsRecords.map((r) => (
              <tr key={`${r.type} ${r.name} ${r.value}`}>
                <td data-label="Type">{r.type}</td>
                <td data-label="Name">
                  <code class="dns-name">{r.name}</code>
                </td>
                <td data-label="Value">
                  <code class="dns-value">{r.value}</code> <CopyButton text={r.value} label="Copy" />
                </td>
                <td data-label="Purpose">{r.purpose}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {checks && <Checks checks={checks} />}
      <div class="form-actions">
        <button type="button" class="primary verify-domain" onClick={() => void verify()} disabled={busy}>
          {busy ? "Verifying…" : "Verify"}
        </button>
        <ConfirmAction
          label="Remove"
          question={`Remove ${d.hostname}? Traffic to it stops at once.`}
          onConfirm={async () => {
            try {
              await adminApi.removeDomain(d.hostname);
              onChanged(`${d.hostname} was removed.`, null);
            } catch (err) {
              onChanged("", err as Error);
            }
          }}
        />
      </div>
    </article>
  );
}

function Checks({ checks }: { checks: Verification["checks"] }) {
  const mark = (ok: boolean) => <span class={ok ? "check-ok" : "check-fail"}>{ok ? "passed" : "not yet"}</span>;
  return (
    <dl class="checks">
      <dt>CNAME</dt>
      <dd>
        {mark(checks.cname.ok)} — expected <code>{checks.cname.expected}</code>, found {checks.cname.found.length ? checks.cname.found.join(", ") : "nothing"}
      </dd>
      <dt>TXT</dt>
      <dd>
        {mark(checks.txt.ok)} — <code>{checks.txt.name}</code>, {checks.txt.recordsFound} record(s) found
      </dd>
      <dt>Cloudflare</dt>
      <dd>
        {mark(checks.cloudflare.ok)} — hostname {checks.cloudflare.status}, certificate {checks.cloudflare.sslStatus}
        {checks.cloudflare.errors.length ? ` (${checks.cloudflare.errors.join("; ")})` : ""}
      </dd>
    </dl>
  );
}
