/**
 * A DNS-over-HTTPS resolver for the end-to-end platform (JSON form, as 1.1.1.1 serves it), whose
 * zone the tests write: what a tenant would put in its DNS to verify a custom domain. The
 * platform reaches it through DOH_RESOLVER_URL, exactly as it reaches a public resolver; the
 * internet is not reachable here, and a test must not depend on someone's real zone.
 *
 *   GET  /dns-query?name=&type=CNAME|TXT   → {Status: 0 | 3 (NXDOMAIN), Answer: [...]}
 *   POST /records {type, name, value}       → 204 (the test side)
 */
import { createServer, type Server } from "node:http";

const TYPES = { CNAME: 5, TXT: 16 } as const;
type RecordType = keyof typeof TYPES;

export async function startDohServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const zone = new Map<string, { type: RecordType; value: string }[]>();
  const key = (name: string) => name.toLowerCase().replace(/\.$/, "");
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://doh");
    if (req.method === "POST" && url.pathname === "/records") {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const r = JSON.parse(body) as { type: RecordType; name: string; value: string };
        if (!(r.type in TYPES)) return void res.writeHead(400).end();
        zone.set(key(r.name), [...(zone.get(key(r.name)) ?? []), { type: r.type, value: r.value }]);
        res.writeHead(204).end();
      });
      return;
    }
    if (req.method !== "GET" || url.pathname !== "/dns-query") return void res.writeHead(404).end();
    const name = url.searchParams.get("name") ?? "";
    const type = url.searchParams.get("type") as RecordType;
    const records = zone.get(key(name));
    const answer = (records ?? []).filter((r) => r.type === type).map((r) => ({ name, type: TYPES[r.type], data: r.type === "TXT" ? JSON.stringify(r.value) : `${r.value}.` }));
    res.writeHead(200, { "content-type": "application/dns-json" }).end(JSON.stringify({ Status: records ? 0 : 3, ...(answer.length ? { Answer: answer } : {}) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
