/**
 * The structured logger: one JSON line per entry through one console call, the context every
 * line carries, what it never writes (secrets, payloads), the access line each request leaves,
 * and that nothing in the server code writes to the console around it.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger, errorFields, REDACTED } from "../../../domain/log";
import { api, signup } from "../helpers";

const serverSources = import.meta.glob(["../../../workers/**/*.ts", "../../../durable-objects/**/*.ts", "../../../domain/**/*.ts"], { query: "?raw", import: "default", eager: true }) as Record<string, string>;

function capture() {
  const lines: { method: string; line: unknown }[] = [];
  for (const method of ["debug", "log", "warn", "error"] as const) vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push({ method, line: args.length === 1 ? args[0] : args }));
  return lines;
}

afterEach(() => vi.restoreAllMocks());

describe("logger", () => {
  it("writes one JSON line per entry with level, msg, component and the context it was given", () => {
    const lines = capture();
    const log = createLogger({ component: "test", requestId: "req_1", tenant: "acme" });
    log.info("hello", { count: 2 });
    log.with({ traceId: "tr-9" }).warn("careful");
    log.error("broken", errorFields(new Error("boom")));
    log.debug("detail");
    expect(lines.map((l) => l.method)).toEqual(["log", "warn", "error", "debug"]);
    const entries = lines.map((l) => {
      expect(typeof l.line).toBe("string");
      return JSON.parse(l.line as string);
    });
    expect(entries[0]).toMatchObject({ level: "info", msg: "hello", component: "test", requestId: "req_1", tenant: "acme", count: 2 });
    expect(Date.parse(entries[0].time)).not.toBeNaN();
    expect(entries[1]).toMatchObject({ level: "warn", msg: "careful", traceId: "tr-9", tenant: "acme" });
    expect(entries[2]).toMatchObject({ level: "error", error: "boom" });
    expect(entries[2].stack).toBeUndefined();
    expect(entries[3]).toMatchObject({ level: "debug", msg: "detail" });
    expect(errorFields(new Error("x"), true).stack).toContain("Error: x");
  });

  it("never writes secrets or payloads, however deep, and cuts long strings", () => {
    const lines = capture();
    createLogger({ component: "test" }).info("careless call site", {
      password: "hunter2",
      deviceSecret: "s3cret",
      authorization: "Bearer abc",
      payload: '{"temp":1}',
      nested: { apiKey: "k", token: "t", body: "raw", ok: "kept" },
      list: [{ clientSecret: "x" }],
      long: "y".repeat(2_000),
    });
    const text = lines[0]!.line as string;
    for (const secret of ["hunter2", "s3cret", "Bearer abc", '\\"temp\\"', '"raw"', '"k"', '"t"']) expect(text).not.toContain(secret);
    const entry = JSON.parse(text);
    expect(entry).toMatchObject({ password: REDACTED, deviceSecret: REDACTED, authorization: REDACTED, payload: REDACTED, nested: { apiKey: REDACTED, token: REDACTED, body: REDACTED, ok: "kept" }, list: [{ clientSecret: REDACTED }] });
    expect(entry.long.length).toBeLessThan(600);
  });

  it("leaves one access line per request: its id (also the response header), the route's pattern, status and time", async () => {
    const t = await signup();
    const lines = capture();
    const res = await api("GET", "/api/v1/devices/no-such-device", { token: t.ownerToken });
    expect(res.status).toBe(404);
    const id = res.headers.get("x-request-id");
    expect(id).toMatch(/^req_/);
    const access = lines.map((l) => (typeof l.line === "string" && l.line.startsWith("{") ? JSON.parse(l.line) : null)).filter((e) => e?.msg === "request" && e.requestId === id);
    expect(access).toEqual([expect.objectContaining({ level: "info", component: "http", method: "GET", route: "/api/v1/devices/:id", status: 404, tenant: t.tenantId })]);
    expect(access[0].durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(access)).not.toContain("no-such-device");
  });

  it("is the only writer to the console in workers/, durable-objects/ and domain/", () => {
    expect(Object.keys(serverSources).length).toBeGreaterThan(100);
    const offences = Object.entries(serverSources)
      .filter(([file]) => !file.endsWith("/domain/log.ts"))
      .flatMap(([file, source]) => source.split("\n").flatMap((line, i) => (/\bconsole\.(log|info|warn|error|debug|trace)\b/.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])));
    expect(offences).toEqual([]);
  });
});
