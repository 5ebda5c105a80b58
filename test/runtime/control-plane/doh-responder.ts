/**
 * A DNS-over-HTTPS responder (the JSON API 1.1.1.1 and 8.8.8.8 serve) whose zone the tests
 * control. The Worker's resolver URL points at https://doh.test/dns-query in tests
 * (vitest.config.ts); fetches to it are answered here, everything else goes out untouched.
 */
import { env } from "cloudflare:workers";
import { vi } from "vitest";

type Rr = { type: "CNAME" | "TXT"; data: string };
const TYPE_NUMBER = { CNAME: 5, TXT: 16 } as const;

export class DnsZone {
  private readonly records = new Map<string, Rr[]>();
  /** Answer with SERVFAIL (DNS status 2) instead of records, as a broken resolver would. */
  servfail = false;
  readonly queries: { name: string; type: string }[] = [];

  cname(name: string, target: string): this {
    this.add(name, { type: "CNAME", data: `${target}.` });
    return this;
  }

  txt(name: string, value: string): this {
    // Long TXT values arrive as several quoted strings of at most 255 characters.
    const chunks = value.match(/.{1,255}/g) ?? [""];
    this.add(name, { type: "TXT", data: chunks.map((c) => `"${c}"`).join(" ") });
    return this;
  }

  remove(name: string): void {
    this.records.delete(name.toLowerCase());
  }

  private add(name: string, rr: Rr) {
    const key = name.toLowerCase();
    this.records.set(key, [...(this.records.get(key) ?? []), rr]);
  }

  /** Resolves like a recursive resolver: a CNAME is followed, and the chain is part of the answer. */
  answer(request: Request): Response {
    const url = new URL(request.url);
    const name = (url.searchParams.get("name") ?? "").toLowerCase().replace(/\.$/, "");
    const type = (url.searchParams.get("type") ?? "A").toUpperCase() as Rr["type"];
    this.queries.push({ name, type });
    if (this.servfail) return Response.json({ Status: 2 }, { headers: { "content-type": "application/dns-json" } });
    const answer: { name: string; type: number; TTL: number; data: string }[] = [];
    let current = name;
    for (let hops = 0; hops < 8; hops++) {
      const rrs = this.records.get(current);
      if (!rrs) break;
      const direct = rrs.filter((r) => r.type === type);
      if (direct.length || type === "CNAME") {
        answer.push(...direct.map((r) => ({ name: `${current}.`, type: TYPE_NUMBER[r.type], TTL: 60, data: r.data })));
        break;
      }
      const cname = rrs.find((r) => r.type === "CNAME");
      if (!cname) break;
      answer.push({ name: `${current}.`, type: TYPE_NUMBER.CNAME, TTL: 60, data: cname.data });
      current = cname.data.replace(/\.$/, "");
    }
    const exists = this.records.has(name);
    return Response.json(
      { Status: exists ? 0 : 3, TC: false, RD: true, RA: true, Question: [{ name: `${name}.`, type: TYPE_NUMBER[type] ?? 1 }], ...(answer.length ? { Answer: answer } : {}) },
      { headers: { "content-type": "application/dns-json" } },
    );
  }
}

/** Routes fetches to the configured resolver URL to `zone`; returns the undo. */
export function serveDoh(zone: DnsZone): () => void {
  const resolver = (env as unknown as { DOH_RESOLVER_URL: string }).DOH_RESOLVER_URL;
  const original = globalThis.fetch;
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    return request.url.startsWith(resolver) ? zone.answer(request) : original(input, init);
  });
  return () => spy.mockRestore();
}
