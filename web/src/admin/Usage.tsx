/**
 * Usage: a month (UTC) against the plan's limits — messages against the monthly quota, devices
 * against the device limit — plus what the month metered, rejections by reason and limit hits
 * by limit. Everyone may read it.
 */
import { useEffect, useState } from "preact/hooks";
import type { TenantView } from "../../../domain/schemas/identity";
import { adminApi, type Usage as UsageReport } from "./api";
import { ErrorText, PageHead } from "./common";
import { UsageHistory } from "./UsageHistory";

const thisMonth = () => new Date().toISOString().slice(0, 7);
const number = (n: number) => n.toLocaleString();
const bytes = (n: number) => (n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : n < 1024 ** 3 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : `${(n / 1024 ** 3).toFixed(2)} GiB`);

export function Usage({ view }: { view: TenantView | null }) {
  const [month, setMonth] = useState(thisMonth());
  const [usage, setUsage] = useState<UsageReport | null>(null);
  const [error, setError] = useState<Error | null>(null);

  useEffect(() => {
    let live = true;
    setUsage(null);
    adminApi.usage(month).then(
      (u) => live && (setUsage(u), setError(null)),
      (err: Error) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [month]);

  const limits = view?.limits;
  return (
    <section id="usage-view" aria-labelledby="page-title">
      <PageHead id="usage-head" title="Usage">
        What this workspace used in a month (UTC), against its plan{view ? ` (${view.tenant.plan})` : ""}.
      </PageHead>
      <form class="toolbar" onSubmit={(e) => e.preventDefault()} aria-label="Month">
        <label for="usage-month">Month</label>
        <input id="usage-month" type="month" value={month} max={thisMonth()} onChange={(e) => (e.currentTarget as HTMLInputElement).value && setMonth((e.currentTarget as HTMLInputElement).value)} />
      </form>
      <ErrorText error={error} />
      {!usage && !error && <p role="status">Loading…</p>}
      {usage && (
        <>
          <div class="meters">
            <Meter id="meter-messages" label="Messages received" value={usage.messagesReceived} max={usage.quota.monthlyMessages} unit="this month's quota" />
            <Meter id="meter-devices" label="Devices registered" value={usage.devicesRegistered} max={limits?.maxDevices ?? null} unit="the plan's devices" />
          </div>
          <dl class="stats" id="usage-figures">
            <Figure label="Data points stored" value={number(usage.dataPointsStored)} />
            <Figure label="Bytes ingested" value={bytes(usage.bytesIngested)} />
            <Figure label="Hot-store size" value={bytes(usage.hotStoreBytes)} note={limits ? `kept ${limits.hotStoreRetentionDays} days` : undefined} />
            <Figure label="API requests" value={number(usage.apiRequests)} note={limits ? `limit ${number(limits.apiRequestsPerMinute)}/min` : undefined} />
            <Figure label="Rejected messages" value={number(usage.rejectedMessages)} />
          </dl>
          <div class="two-tables">
            <CountTable id="limit-hits" title="Limit hits" empty="No limit was hit this month." counts={usage.limitHits} keyLabel="Limit" />
            <CountTable id="rejected-by-reason" title="Rejected messages by reason" empty="Nothing was rejected this month." counts={usage.rejectedByReason} keyLabel="Reason" />
          </div>
        </>
      )}
      <UsageHistory month={month} />
    </section>
  );
}

function Meter({ id, label, value, max, unit }: { id: string; label: string; value: number; max: number | null; unit: string }) {
  const share = max ? Math.min(1, value / max) : 0;
  return (
    <div class="card meter" id={id}>
      <label for={`${id}-bar`}>{label}</label>
      <p class="meter-figure">
        <strong>{number(value)}</strong>
        {max !== null && (
          <span class="muted">
            {" "}
            of {number(max)} ({(share * 100).toFixed(share < 0.01 && value > 0 ? 2 : 0)}% of {unit})
          </span>
        )}
      </p>
      {max !== null && <meter id={`${id}-bar`} min={0} max={max} low={max * 0.8} high={max * 0.95} optimum={0} value={value} />}
    </div>
  );
}

function Figure({ label, value, note }: { label: string; value: string; note?: string | undefined }) {
  return (
    <div class="card">
      <dt>{label}</dt>
      <dd>{value}</dd>
      {note && <dd class="muted small">{note}</dd>}
    </div>
  );
}

function CountTable({ id, title, counts, empty, keyLabel }: { id: string; title: string; counts: Record<string, number>; empty: string; keyLabel: string }) {
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return (
    <div class="table-wrap">
      <table id={id}>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{keyLabel}</th>
            <th scope="col" class="num">
              Count
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={2}>{empty}</td>
            </tr>
          )}
          {rows.map(([k, n]) => (
            <tr key={k}>
              <td>
                <code>{k}</code>
              </td>
              <td class="num">{number(n)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
