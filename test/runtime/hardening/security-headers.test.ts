/**
 * Security headers on everything a browser can load: the Worker's responses (API JSON, problem
 * bodies, the docs page) from workers/http/security-headers.ts, the console's static assets from
 * web/public/_headers (applied by the assets service, which the runtime test reaches via ASSETS).
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, signup } from "../helpers";

function expectBaseline(headers: Headers, label: string) {
  expect(headers.get("x-content-type-options"), label).toBe("nosniff");
  expect(headers.get("x-frame-options"), label).toBe("DENY");
  expect(headers.get("referrer-policy"), label).toBe("no-referrer");
  const csp = headers.get("content-security-policy") ?? "";
  expect(csp, label).toContain("frame-ancestors 'none'");
  expect(csp, label).not.toContain("unsafe-inline");
  expect(csp, label).not.toContain("unsafe-eval");
  return csp;
}

describe("Worker responses", () => {
  it("an API response carries the headers, with a CSP that allows nothing to load", async () => {
    const t = await signup();
    const r = await api("GET", "/api/v1/tenant", { token: t.ownerToken });
    expect(r.status).toBe(200);
    expect(expectBaseline(r.headers, "GET /tenant")).toContain("default-src 'none'");
  });

  it("problem responses carry them too: 404, 401, 400", async () => {
    const notFound = await api("GET", "/api/v1/nothing-here");
    expect(notFound.status).toBe(404);
    expectBaseline(notFound.headers, "404");
    const unauthenticated = await api("GET", "/api/v1/devices");
    expect(unauthenticated.status).toBe(401);
    expectBaseline(unauthenticated.headers, "401");
    const invalid = await api("POST", "/api/v1/auth/login", { body: { email: "nope" } });
    expect(invalid.status).toBe(400);
    expectBaseline(invalid.headers, "400");
  });

  it("the docs page gets its own CSP: only its own inline script and style, by hash", async () => {
    const res = await exports.default.fetch("http://localhost/api/v1/docs");
    const html = await res.text();
    const csp = expectBaseline(res.headers, "docs");
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(csp).toContain(`script-src '${await sha256(script)}'`);
    expect(csp).toContain(`style-src '${await sha256(style)}'`);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("default-src 'none'");
    // Inline style attributes would need 'unsafe-hashes': there are none.
    expect(html).not.toMatch(/\sstyle="/);
  });

  it("sends HSTS over https on a real host, never on localhost or plain http", async () => {
    const secure = await exports.default.fetch("https://iot.customer.example/healthz");
    expect(secure.headers.get("strict-transport-security")).toBe("max-age=31536000");
    expectBaseline(secure.headers, "https custom host");
    await secure.text();
    for (const url of ["http://localhost/healthz", "https://localhost/healthz", "http://iot.customer.example/healthz", "https://acme.localhost/healthz"]) {
      const r = await exports.default.fetch(url);
      expect(r.headers.get("strict-transport-security"), url).toBeNull();
      await r.text();
    }
  });
});

describe("the console (static assets, web/public/_headers)", () => {
  it("/ and its script and stylesheet carry a strict CSP: same origin only, no inline code, no framing", async () => {
    for (const path of ["/", "/app.js", "/build/app.css", "/accept-invitation"]) {
      const res = await env.ASSETS.fetch(`https://console.example${path}`);
      expect(res.status, path).toBe(200);
      const csp = expectBaseline(res.headers, path);
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("script-src 'self'");
      expect(res.headers.get("strict-transport-security"), path).toBe("max-age=31536000");
      await res.text();
    }
  });

  it("the console has no inline script, style or event handler for that CSP to block", async () => {
    const html = await (await env.ASSETS.fetch("https://console.example/")).text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style/);
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).not.toMatch(/\son[a-z]+="/);
  });
});

async function sha256(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return `sha256-${btoa(String.fromCharCode(...digest))}`;
}
