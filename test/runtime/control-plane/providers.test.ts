/**
 * The pieces behind custom domains, in isolation: hostname normalization, the Cloudflare for
 * SaaS client (against a fake API), the DNS-over-HTTPS client, and the verification decision.
 */
import { describe, expect, it } from "vitest";
import { normalizeCustomHostname } from "../../../domain/domains/hostname";
import { evaluateVerification, txtValue } from "../../../domain/domains/verification";
import { cloudflareProvider, localProvider } from "../../../workers/control-plane/custom-hostnames";
import { dohResolver } from "../../../workers/control-plane/dns";

describe("hostname normalization", () => {
  it("lowercases, applies IDNA and drops the trailing dot", () => {
    const n = (h: string) => normalizeCustomHostname(h, "skylark.example");
    expect(n("IoT.Example.COM.")).toEqual({ ok: true, hostname: "iot.example.com" });
    expect(n("bücher.example")).toEqual({ ok: true, hostname: "xn--bcher-kva.example" });
    expect(n("ＩＯＴ．example．com")).toEqual({ ok: true, hostname: "iot.example.com" }); // full-width forms map to ASCII
    expect(n("аpple.example")).toMatchObject({ ok: true, hostname: expect.stringMatching(/^xn--pple-/) }); // Cyrillic а stays distinct
  });

  it("refuses the platform's own names, addresses, ports, paths and malformed labels", () => {
    for (const bad of [
      "skylark.example",
      "acme.skylark.example",
      "a.b.skylark.example",
      "192.168.1.1",
      "[::1]",
      "example.com:443",
      "example.com/x",
      "user@example.com",
      "ex ample.com",
      "a..example",
      "-a.example",
      "a-.example",
      "example",
      "example.123",
      "x.localhost",
      "",
    ]) {
      expect(normalizeCustomHostname(bad, "skylark.example").ok, bad).toBe(false);
    }
  });
});

describe("Cloudflare for SaaS client", () => {
  function fakeApi(responses: Record<string, { status: number; body: unknown }>) {
    const seen: { method: string; url: string; auth: string | null; body: unknown }[] = [];
    const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = new Request(input, init);
      seen.push({ method: req.method, url: req.url, auth: req.headers.get("authorization"), body: req.method === "POST" ? await req.json() : null });
      const r = responses[`${req.method} ${new URL(req.url).pathname}`] ?? { status: 404, body: { success: false, errors: [{ code: 1436, message: "not found" }], result: null } };
      return Response.json(r.body, { status: r.status });
    }) as typeof fetch;
    return { fetcher, seen };
  }
  const base = "/client/v4/zones/zone123/custom_hostnames";
  const hostname = {
    id: "ch_1",
    hostname: "iot.example.com",
    status: "pending",
    verification_errors: ["custom hostname does not CNAME to this zone."],
    ownership_verification: { type: "txt", name: "_cf-custom-hostname.iot.example.com", value: "0e2d5a7f" },
    ssl: { status: "pending_validation", validation_records: [{ txt_name: "_acme-challenge.iot.example.com", txt_value: "ca3-abc" }] },
  };

  it("creates a custom hostname with TXT (DV) certificate validation and returns Cloudflare's records", async () => {
    const { fetcher, seen } = fakeApi({ [`POST ${base}`]: { status: 201, body: { success: true, errors: [], result: hostname } } });
    const created = await cloudflareProvider("zone123", "token-abc", fetcher).create("iot.example.com");
    expect(seen[0]).toMatchObject({ method: "POST", url: `https://api.cloudflare.com${base}`, auth: "Bearer token-abc", body: { hostname: "iot.example.com", ssl: { method: "txt", type: "dv" } } });
    expect(created).toEqual({
      id: "ch_1",
      status: "pending",
      sslStatus: "pending_validation",
      errors: ["custom hostname does not CNAME to this zone."],
      records: [
        { type: "TXT", name: "_cf-custom-hostname.iot.example.com", value: "0e2d5a7f", purpose: "ownership" },
        { type: "TXT", name: "_acme-challenge.iot.example.com", value: "ca3-abc", purpose: "certificate" },
      ],
    });
  });

  it("reads status, treats unknown ids as gone, and maps errors to problem codes", async () => {
    const { fetcher } = fakeApi({
      [`GET ${base}/ch_1`]: { status: 200, body: { success: true, errors: [], result: { ...hostname, status: "active", ssl: { status: "active" } } } },
      [`DELETE ${base}/ch_1`]: { status: 200, body: { success: true, errors: [], result: { id: "ch_1" } } },
      [`POST ${base}`]: { status: 409, body: { success: false, errors: [{ code: 1406, message: "Duplicate custom hostname found." }], result: null } },
    });
    const cf = cloudflareProvider("zone123", "t", fetcher);
    expect(await cf.get("ch_1")).toMatchObject({ status: "active", sslStatus: "active" });
    expect(await cf.get("ch_missing")).toBeNull();
    await expect(cf.remove("ch_1")).resolves.toBeUndefined();
    await expect(cf.remove("ch_missing")).resolves.toBeUndefined();
    await expect(cf.create("iot.example.com")).rejects.toMatchObject({ code: "conflict" });
    const down = cloudflareProvider("zone123", "t", (async () => Response.json({ success: false, errors: [{ code: 10000, message: "internal" }], result: null }, { status: 502 })) as unknown as typeof fetch);
    await expect(down.create("iot.example.com")).rejects.toMatchObject({ code: "unavailable" });
  });

  it("has a local stand-in that accepts any hostname at once", async () => {
    const local = localProvider();
    const created = await local.create("iot.example.com");
    expect(await local.get(created.id)).toMatchObject({ status: "active", sslStatus: "active", records: [] });
  });
});

describe("DNS over HTTPS", () => {
  const answering = (body: unknown) => (async () => Response.json(body)) as unknown as typeof fetch;

  it("joins split TXT strings and keeps only the records asked for", async () => {
    expect(txtValue('"abc" "def"')).toBe("abcdef");
    expect(txtValue('"with \\"quote\\""')).toBe('with "quote"');
    const r = dohResolver(
      "https://doh.test/dns-query",
      answering({
        Status: 0,
        Answer: [
          { name: "www.example.", type: 5, data: "edge.example." },
          { name: "edge.example.", type: 16, data: '"v=1" "x"' },
        ],
      }),
    );
    expect(await r.lookup("www.example", "TXT")).toEqual(["v=1x"]);
    expect(await r.lookup("www.example", "CNAME")).toEqual(["edge.example"]);
    expect(await r.lookup("other.example", "CNAME")).toEqual([]); // a chain hop for another name is not this name's CNAME
  });

  it("treats NXDOMAIN as no records and other failures as unavailable", async () => {
    expect(await dohResolver("https://doh.test/q", answering({ Status: 3 })).lookup("x.example", "TXT")).toEqual([]);
    await expect(dohResolver("https://doh.test/q", answering({ Status: 2 })).lookup("x.example", "TXT")).rejects.toMatchObject({ code: "unavailable" });
    await expect(dohResolver("https://doh.test/q", answering("not json at all")).lookup("x.example", "TXT")).rejects.toMatchObject({ code: "unavailable" });
  });

  it("asks the resolver with the JSON API's parameters", async () => {
    let asked = "";
    const r = dohResolver("https://doh.test/dns-query", (async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = new Request(input, init);
      asked = `${req.url} ${req.headers.get("accept")}`;
      return Response.json({ Status: 3 });
    }) as typeof fetch);
    await r.lookup("_skylark-challenge.iot.example", "TXT");
    expect(asked).toBe("https://doh.test/dns-query?name=_skylark-challenge.iot.example&type=TXT application/dns-json");
  });
});

describe("verification decision", () => {
  const ok = { status: "active", sslStatus: "active", errors: [] };
  it("needs the CNAME, the token and Cloudflare's active hostname and certificate", () => {
    expect(evaluateVerification("a.example", "customers.skylark.example", "sky-t", { cname: ["Customers.Skylark.Example."], txt: ["other", "sky-t"] }, ok)).toMatchObject({ ok: true, reason: null });
    const pendingCert = evaluateVerification("a.example", "customers.skylark.example", "sky-t", { cname: ["customers.skylark.example"], txt: ["sky-t"] }, { status: "active", sslStatus: "pending_validation", errors: [] });
    expect(pendingCert).toMatchObject({ ok: false, reason: expect.stringContaining("certificate pending_validation") });
  });
});
