/**
 * Ready-to-paste connection snippets for a device, for the host the console is served from. The
 * platform speaks MQTT over WebSockets only, so the command-line example uses MQTT.js's own CLI
 * (`npx mqtt pub`, mosquitto_pub's options), which can; mosquitto_pub itself cannot.
 */
import { useEffect, useState } from "preact/hooks";
import type { PublicBranding } from "../../../domain/schemas/identity";
import { request } from "../api";
import type { Credentials } from "./api";

export type MqttEndpoint = { protocol: "ws" | "wss"; host: string; port: number; path: string };

export const endpointUrl = (e: MqttEndpoint) => `${e.protocol}://${e.host}:${e.port}${e.path}`;

/**
 * On the tenant's own host (or custom domain) devices connect to `/mqtt` there; on the platform
 * host to `/t/{tenant}/mqtt`. `*.localhost` names resolve in browsers but not in most shells and
 * MQTT libraries, so locally the snippet names 127.0.0.1, where `wrangler dev` listens.
 */
export function mqttEndpoint(tenant: string, onTenantHost: boolean, loc: Pick<Location, "protocol" | "hostname" | "port"> = location): MqttEndpoint {
  const secure = loc.protocol === "https:";
  const port = loc.port ? Number(loc.port) : secure ? 443 : 80;
  const protocol = secure ? "wss" : "ws";
  const local = loc.hostname === "localhost" || loc.hostname.endsWith(".localhost");
  if (local) return { protocol, host: "127.0.0.1", port, path: `/t/${tenant}/mqtt` };
  return onTenantHost ? { protocol, host: loc.hostname, port, path: "/mqtt" } : { protocol, host: loc.hostname, port, path: `/t/${tenant}/mqtt` };
}

/** The endpoint for this page's host; the host is the tenant's when its public branding names the tenant. */
export function useMqttEndpoint(tenant: string): MqttEndpoint {
  const [onTenantHost, setOnTenantHost] = useState(false);
  useEffect(() => {
    let live = true;
    request<PublicBranding>("GET", "/branding", { auth: false }).then(
      (b) => live && setOnTenantHost(b.tenant.id === tenant),
      () => live && setOnTenantHost(false),
    );
    return () => {
      live = false;
    };
  }, [tenant]);
  return mqttEndpoint(tenant, onTenantHost);
}

export const telemetryTopic = (tenant: string, device: string) => `t/${tenant}/devices/${device}/telemetry`;

const SAMPLE = JSON.stringify({ values: { temperature: 21.5 } });

export function mqttJsSnippet(e: MqttEndpoint, tenant: string, c: Credentials): string {
  return [
    `import mqtt from "mqtt";`,
    ``,
    `const client = mqtt.connect(${JSON.stringify(endpointUrl(e))}, {`,
    `  clientId: ${JSON.stringify(c.clientId)},`,
    `  username: ${JSON.stringify(c.username)},`,
    `  password: ${JSON.stringify(c.password)},`,
    `  protocolVersion: 5,`,
    `});`,
    `client.on("connect", () => {`,
    `  client.publish(${JSON.stringify(telemetryTopic(tenant, c.clientId))}, JSON.stringify(${SAMPLE}), { qos: 1 }, () => client.end());`,
    `});`,
  ].join("\n");
}

/** Single-quoted for POSIX shells; ids, topics and secrets never contain a quote, but be safe. */
const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function cliSnippet(e: MqttEndpoint, tenant: string, c: Credentials): string {
  return [
    `npx mqtt pub -C ${e.protocol} -h ${sh(e.host)} -p ${e.port} --path ${sh(e.path)} \\`,
    `  -i ${sh(c.clientId)} -u ${sh(c.username)} -P ${sh(c.password)} -q 1 \\`,
    `  -t ${sh(telemetryTopic(tenant, c.clientId))} -m ${sh(SAMPLE)}`,
  ].join("\n");
}
