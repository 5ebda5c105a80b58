/**
 * The MQTT edge: WebSocket upgrades for `/mqtt` on a tenant's host and `/t/{tenant}/mqtt` on
 * the platform host. The Worker resolves the tenant, refuses unknown, suspended or deleted
 * tenants before the upgrade (problem+json), checks the MQTT subprotocol, and hands the socket
 * to that tenant's hub. Authentication happens inside the hub, on CONNECT.
 *
 * An address the hub threw out for abuse is refused here while it cools down (429 with
 * Retry-After, workers/http/mqtt-cooldown.ts), so its reconnects never reach the hub. The edge
 * key is the tenant and the client's address bucket: the MQTT client id is only known after the
 * upgrade, inside CONNECT. The bucket is forwarded to the hub, which reports abuse against it.
 */
import { Hono, type Context } from "hono";
import { CLIENT_CERTIFICATE_HEADER, verifiedClientCertificate } from "../../domain/auth/client-certificate";
import { AppError } from "../../domain/errors";
import { TenantId } from "../../domain/ids";
import { addressBucket } from "../../domain/limits/auth-throttle";
import { CLIENT_ADDRESS_HEADER, coolable } from "../../domain/limits/mqtt-cooldown";
import { hubFor } from "../control-plane/residency";
import { relay } from "../edge/mqtt-relay";
import { effectiveLimits } from "../../domain/plans";
import { relayFrameBudget } from "../../domain/limits/relay-budget";
import type { AppEnv } from "../http/app-env";
import { cachedMqttCooldownRefusal, mqttCooldownRefusal } from "../http/mqtt-cooldown";

/** `mqtt` is the registered subprotocol (5.0 / 3.1.1); `mqttv3.1` is what some older clients send. */
const SUBPROTOCOLS = ["mqtt", "mqttv3.1"];

/**
 * The headers the hub gets: the client's own, minus anything only the Worker may say (a client
 * certificate verdict, the client's address), plus the Worker's word on those.
 */
export function hubUpgradeHeaders(client: Headers, edge: { tenantId: string; subprotocol: string; addressBucket: string; certificate: string | null }): Headers {
  const headers = new Headers(client);
  headers.set("x-skylark-tenant", edge.tenantId);
  headers.set("x-skylark-subprotocol", edge.subprotocol);
  // Only the edge's verdict on a client certificate counts, never a header the client sent.
  headers.delete(CLIENT_CERTIFICATE_HEADER);
  if (edge.certificate) headers.set(CLIENT_CERTIFICATE_HEADER, edge.certificate);
  // Likewise the address the hub reports abuse against: a client naming another address would
  // otherwise get someone else cooled down, and its own reconnects waved through.
  headers.set(CLIENT_ADDRESS_HEADER, edge.addressBucket);
  return headers;
}

async function upgrade(c: Context<AppEnv>, tenantId: string): Promise<Response> {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new AppError("bad_request", "this endpoint speaks MQTT over WebSocket: send an Upgrade: websocket request");
  const bucket = addressBucket(c.req.header("cf-connecting-ip"));
  // A storm of reconnects from a cooled address is answered here, before any I/O; an address that
  // can never be cooled down costs no check at all.
  const checked = coolable(bucket);
  const cached = checked ? cachedMqttCooldownRefusal(c, tenantId, bucket) : null;
  if (cached) return cached;
  const tenant = await c.get("platform").tenants.find(tenantId);
  if (!tenant || tenant.status === "deleted") throw new AppError("not_found", "unknown tenant");
  if (tenant.status === "suspended") throw new AppError("tenant_suspended", "this tenant is suspended");
  if (tenant.status !== "active") throw new AppError("tenant_unavailable", `this tenant is ${tenant.status}`);
  const offered = (c.req.header("sec-websocket-protocol") ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  // The server must pick "mqtt" when offered [MQTT-6.0.0-3]; a request offering none is refused.
  const chosen = SUBPROTOCOLS.find((p) => offered.includes(p));
  if (!chosen) throw new AppError("bad_request", "offer the WebSocket subprotocol 'mqtt'");
  const refused = checked ? await mqttCooldownRefusal(c, tenant.id, bucket) : null;
  if (refused) return refused;
  const headers = hubUpgradeHeaders(c.req.raw.headers, { tenantId: tenant.id, subprotocol: chosen, addressBucket: bucket, certificate: verifiedClientCertificate(c.req.raw.cf) });
  const res = await hubFor(c.env, tenant).fetch(new Request(c.req.raw.url, { method: "GET", headers }));
  // A refusal from the hub (503 while too many sockets wait for CONNECT) gets mutable headers like any other response.
  if (res.status !== 101 || !res.webSocket) return new Response(res.body, res);
  // The device's socket stays here; its bytes reach the hub through the relay (workers/edge/mqtt-relay.ts).
  const hub = res.webSocket;
  hub.accept();
  const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
  server.accept();
  relay(server, hub, { budget: relayFrameBudget(effectiveLimits(tenant.plan, tenant.limits)) });
  return new Response(null, { status: 101, webSocket: client, headers: { "sec-websocket-protocol": chosen } });
}

export const mqttRoutes = new Hono<AppEnv>()
  .get("/mqtt", async (c) => {
    const host = c.get("hostTenant");
    if (!host) throw new AppError("not_found", "on the platform host, connect to /t/{tenant}/mqtt");
    return upgrade(c, host.id);
  })
  .get("/t/:tenant/mqtt", async (c) => {
    const parsed = TenantId.safeParse(c.req.param("tenant"));
    if (!parsed.success) throw new AppError("not_found", "unknown tenant");
    const host = c.get("hostTenant");
    // On a tenant's own host, the path cannot name another tenant.
    if (host && host.id !== parsed.data) throw new AppError("not_found", "unknown tenant");
    return upgrade(c, parsed.data);
  });
