/**
 * The months before: the API reports usage per month (no finer series), so the history is the
 * six months up to the one shown, one request each, as a chart (a point per month) and a table.
 */
import { useEffect, useState } from "preact/hooks";
import { TimeSeriesChart } from "../charts/TimeSeriesChart";
import { adminApi, type Usage } from "./api";
import { ErrorText } from "./common";

const MONTHS = 6;

/** `YYYY-MM` of the `n` months ending with `month`, oldest first. */
function monthsEnding(month: string, n: number): string[] {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return Array.from({ length: n }, (_, i) => new Date(Date.UTC(y, m - 1 - (n - 1 - i), 1)).toISOString().slice(0, 7));
}

const monthStart = (month: string) => Date.parse(`${month}-01T00:00:00Z`);
/** The last millisecond of the month, so the newest month's point is inside the chart's range. */
const monthEnd = (month: string) => Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1) - 1;

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
        <TimeSeriesChart
          id="usage-chart"
          title="Messages per month"
          from={monthStart(rows[0]!.month)}
          to={monthEnd(rows[rows.length - 1]!.month)}
          height={200}
          series={[
            { label: "Messages received", points: rows.map((u) => ({ ts: monthStart(u.month), value: u.messagesReceived })) },
            { label: "Rejected", points: rows.map((u) => ({ ts: monthStart(u.month), value: u.rejectedMessages })) },
          ]}
        />
      )}
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
                  <td class="num">
                    {Object.values(u.limitHits)
                      .reduce((a, b) => a + b, 0)
                      .toLocaleString()}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
