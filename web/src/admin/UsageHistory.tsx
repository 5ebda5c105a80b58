/**
 * The months before: the API reports usage per month (no finer series), so the history is the
 * six months up to the one shown, one request each.
 */
import { useEffect, useState } from "preact/hooks";
import { adminApi, type Usage } from "./api";
import { ErrorText } from "./common";

const MONTHS = 6;

/** `YYYY-MM` of the `n` months ending with `month`, oldest first. */
export function monthsEnding(month: string, n: number): string[] {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return Array.from({ length: n }, (_, i) => new Date(Date.UTC(y, m - 1 - (n - 1 - i), 1)).toISOString().slice(0, 7));
}

export function UsageHistory({ month }: { month: string }) {
  const [rows, setRows] = useState<Usage[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    let live = true;
    setRows(null);
    Promise.all(monthsEnding(month, MONTHS).map((m) => adminApi.usage(m))).then(
      (r) => live && (setRows(r), setError(null)),
      (err: Error) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [month]);

  return (
    <section class="card" aria-labelledby="usage-history-title" id="usage-history">
      <h2 id="usage-history-title">The last {MONTHS} months</h2>
      <ErrorText error={error} />
      {!rows && !error && <p role="status">Loading…</p>}
      {rows && (
        <div class="table-wrap">
          <table id="usage-history-table">
            <caption class="visually-hidden">Usage per month</caption>
            <thead>
              <tr>
                <th scope="col">Month</th>
                <th scope="col" class="num">
                  Messages
                </th>
                <th scope="col" class="num">
                  Data points
                </th>
                <th scope="col" class="num">
                  Rejected
                </th>
                <th scope="col" class="num">
                  API requests
                </th>
                <th scope="col" class="num">
                  Limit hits
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((u) => (
                <tr key={u.month}>
                  <th scope="row">{u.month}</th>
                  <td class="num">{u.messagesReceived.toLocaleString()}</td>
                  <td class="num">{u.dataPointsStored.toLocaleString()}</td>
                  <td class="num">{u.rejectedMessages.toLocaleString()}</td>
                  <td class="num">{u.apiRequests.toLocaleString()}</td>
                  <td class="num">{Object.values(u.limitHits).reduce((a, b) => a + b, 0).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
