// What the operator reads at the end of a deploy: where the platform answers and which DNS records
// to create (the Custom Domain makes its own record; the wildcard and the custom-hostname target do not).
export function platformAddresses({ domain, zone, customHostnameTarget, saasZoneId }) {
  const lines = [
    "",
    "Skylark is deployed.",
    `  Console and API   https://${domain}/  (API under https://${domain}/api/v1/)`,
    `  Tenant hosts      https://{tenant}.${domain}/`,
    `  MQTT              wss://{tenant}.${domain}/mqtt  or  wss://${domain}/t/{tenant}/mqtt`,
    `  JWKS              https://${domain}/.well-known/jwks.json`,
    "",
    `DNS records to create in the zone ${zone} (proxied, orange cloud):`,
    `  ${domain}  nothing to do: the Worker's Custom Domain creates it and its certificate`,
    `  *.${domain}  AAAA 100::  tenant hosts reach the Worker through the route *.${domain}/*;`,
    `      its certificate needs Advanced Certificate Manager unless ${domain} is the zone itself (${zone})`,
    `  ${customHostnameTarget}  AAAA 100::  the CNAME target for tenants' own hostnames`,
    saasZoneId
      ? `      Cloudflare for SaaS: make ${customHostnameTarget} the fallback origin (SSL/TLS → Custom Hostnames); the route */* sends custom hostnames to the Worker`
      : "      Custom domains stay local-only until you deploy with --saas-zone-id <zone id> and set the secret CF_API_TOKEN (Cloudflare for SaaS)",
    `Tenants point their hostname at it: CNAME <their host> → ${customHostnameTarget}`,
  ];
  return lines.join("\n");
}
