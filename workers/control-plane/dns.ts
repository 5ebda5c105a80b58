/** DNS lookups over HTTPS (the JSON API of RFC 8484 resolvers), for custom domain verification. */
import { DNS_TYPE, DohJsonResponse, txtValue } from "../../domain/domains/verification";
import { normalizeHostname } from "../../domain/hosts";
import { AppError } from "../../domain/errors";

export interface DnsResolver {
  /** Record values of `type` at `name`; empty when the name or the records do not exist. */
  lookup(name: string, type: "CNAME" | "TXT"): Promise<string[]>;
}

const NXDOMAIN = 3;

export function dohResolver(resolverUrl: string, fetcher: typeof fetch = (...a) => fetch(...a)): DnsResolver {
  return {
    async lookup(name, type) {
      const url = new URL(resolverUrl);
      url.searchParams.set("name", name);
      url.searchParams.set("type", type);
      let body: unknown;
      try {
        const res = await fetcher(url.toString(), { headers: { accept: "application/dns-json" } });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        body = await res.json();
      } catch (err) {
        throw new AppError("unavailable", `the DNS resolver could not answer (${(err as Error).message}); try again`);
      }
      const parsed = DohJsonResponse.safeParse(body);
      if (!parsed.success) throw new AppError("unavailable", "the DNS resolver sent an unreadable answer; try again");
      if (parsed.data.Status === NXDOMAIN) return [];
      if (parsed.data.Status !== 0) throw new AppError("unavailable", `the DNS resolver answered with DNS status ${parsed.data.Status}; try again`);
      const wanted = DNS_TYPE[type];
      // A lookup through a CNAME chain also lists the chain; keep only records of the type asked for,
      // and for CNAME only the hop that starts at the name itself.
      return (parsed.data.Answer ?? []).filter((a) => a.type === wanted && (type !== "CNAME" || normalizeHostname(a.name) === normalizeHostname(name))).map((a) => (type === "TXT" ? txtValue(a.data) : normalizeHostname(a.data)));
    },
  };
}
