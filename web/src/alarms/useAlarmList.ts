/**
 * A filtered, paged list of alarms that follows the alarm topic live: a change to a listed alarm
 * updates it in place, a new one shows if the filter would list it, and a reconnect re-reads the
 * first page (changes may have been missed). No polling. Shared by the Alarms page and the device panel.
 */
import { useLatestRead } from "../components/latest-read";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { Alarm, AlarmEvent } from "../../../domain/schemas/alarms";
import { subscribeAlarms } from "../live";
import { alarmsApi, type AlarmFilter } from "./api";
import { matchesStatus, merged, newer } from "./format";

const PAGE_SIZE = 25;

export function useAlarmList(filter: AlarmFilter, onChange?: (e: AlarmEvent | null) => void) {
  const [items, setItems] = useState<Alarm[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  // Every alarm heard live, so a list read that raced a change never shows an older view.
  const heard = useRef(new Map<string, Alarm>());
  const filterRef = useRef(filter);
  filterRef.current = filter;
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const { status, severity, device } = filter;

  const beginRead = useLatestRead();
  const load = useCallback(async () => {
    const stillLatest = beginRead();
    try {
      const page = await alarmsApi.list({ status, severity, device, limit: PAGE_SIZE });
      if (!stillLatest()) return;
      setItems(page.items.map((a) => (heard.current.has(a.id) ? newer(a, heard.current.get(a.id)!) : a)));
      setCursor(page.nextCursor);
      setError(null);
    } catch (err) {
      if (stillLatest()) setError(err as Error);
    }
  }, [status, severity, device]);

  useEffect(() => {
    setItems(null);
    void load();
  }, [load]);

  useEffect(
    () =>
      subscribeAlarms(
        device ? { deviceId: device } : {},
        (event) => {
          const a = event.alarm;
          heard.current.set(a.id, heard.current.has(a.id) ? newer(heard.current.get(a.id)!, a) : a);
          setItems((list) => {
            if (!list) return list;
            const f = filterRef.current;
            const listed = list.some((x) => x.id === a.id);
            if (!listed && (!matchesStatus(a, f.status ?? "") || (f.severity && a.severity !== f.severity))) return list;
            return merged(list, a);
          });
          onChangeRef.current?.(event);
        },
        () => {
          void load();
          onChangeRef.current?.(null);
        },
      ),
    [device, load],
  );

  async function more() {
    if (!cursor) return;
    setBusy("more");
    try {
      const page = await alarmsApi.list({ status, severity, device, limit: PAGE_SIZE, cursor });
      setItems((list) => page.items.reduce(merged, list ?? []));
      setCursor(page.nextCursor);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(null);
    }
  }

  async function act(a: Alarm, action: "acknowledge" | "clear") {
    setBusy(a.id);
    try {
      const next = await alarmsApi[action](a.id);
      setItems((list) => merged(list ?? [], next));
      setError(null);
      onChangeRef.current?.(null);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(null);
    }
  }

  return { items, cursor, error, busy, more, acknowledge: (a: Alarm) => act(a, "acknowledge"), clear: (a: Alarm) => act(a, "clear") };
}
