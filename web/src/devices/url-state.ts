/**
 * Page state kept in the URL's query string, so a filtered view can be shared and the back
 * button walks through earlier filters.
 */
import { useEffect, useState } from "preact/hooks";
import { navigate } from "../router";

// router.ts announces its own pushState navigations with this event (pushState fires no popstate).
const NAVIGATE_EVENT = "skylark:navigate";

export function useSearchParams(): URLSearchParams {
  const [search, setSearch] = useState(location.search);
  useEffect(() => {
    const update = () => setSearch(location.search);
    addEventListener("popstate", update);
    addEventListener(NAVIGATE_EVENT, update);
    return () => {
      removeEventListener("popstate", update);
      removeEventListener(NAVIGATE_EVENT, update);
    };
  }, []);
  return new URLSearchParams(search);
}

/** Goes to the same path with these parameters (empty values left out): one history entry. */
export function setSearchParams(values: Record<string, string | undefined>): void {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v) q.set(k, v);
  const s = q.toString();
  const next = `${location.pathname}${s ? `?${s}` : ""}`;
  if (next !== `${location.pathname}${location.search}`) navigate(next);
}
