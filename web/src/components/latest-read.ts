/**
 * Reads that a changed filter overtakes answer out of order; only the latest may show. `begin()`
 * starts a read and answers a check of whether it is still the latest when its answer arrives.
 */
import { useRef } from "preact/hooks";

export function useLatestRead(): () => () => boolean {
  const latest = useRef(0);
  return () => {
    const mine = ++latest.current;
    return () => mine === latest.current;
  };
}
