/**
 * Mountpoints, as EMQX has them: a per-client prefix that the hub adds to every topic the
 * client sends (publish, subscribe, will) and strips from every topic it delivers, so that a
 * client with mountpoint `t/acme/` publishes `devices/d1/telemetry` and the hub sees
 * `t/acme/devices/d1/telemetry`.
 *
 * Order in the hub: validate what the client sent (spec rules), mount it, then apply platform
 * limits and the ACL to the canonical topic. Mounting is plain concatenation, so a relative
 * topic cannot climb out of the prefix: topic levels have no `..`, and wildcards only ever
 * stand for levels below the mountpoint.
 *
 * `$`-topics (e.g. `$SYS/t/acme/stats/#`) are never mounted: they name server-side topics
 * that live outside any client's prefix. The ACL still decides whether the client may use them.
 */
import { SPEC_TOPIC_LIMITS } from "./limits";
import { matchingFilterOffset } from "./shared-subscription";
import { isTenantId } from "./topic-ids";
import { validateTopicName, type TopicRejection } from "./validate";
import { TENANT_ROOT } from "./scheme";

/** The usual template: every client sees topics relative to its tenant. */
export const TENANT_MOUNTPOINT_TEMPLATE = "t/${tenant}/";

const DOLLAR = 0x24;

/** Canonical topic for a topic sent by a client with this mountpoint. */
export function mountTopic(mountpoint: string, topic: string): string {
  if (mountpoint === "" || topic.charCodeAt(0) === DOLLAR) return topic;
  return mountpoint + topic;
}

/**
 * Topic as the client with this mountpoint should see it, or null when the topic is outside
 * the mountpoint; the message must then not be delivered to that client. The mountpoint itself
 * (an empty relative topic) is outside too: an empty topic name is not valid [MQTT-4.7.3-1].
 */
export function unmountTopic(mountpoint: string, topic: string): string | null {
  if (mountpoint === "" || topic.charCodeAt(0) === DOLLAR) return topic;
  if (topic.length <= mountpoint.length || !topic.startsWith(mountpoint)) return null;
  return topic.slice(mountpoint.length);
}

/**
 * Canonical subscription for one sent by a client with this mountpoint. A shared subscription
 * keeps its `$share/{group}/` in front and has its inner filter mounted.
 */
export function mountFilter(mountpoint: string, filter: string): string {
  const inner = matchingFilterOffset(filter);
  if (inner < 0) return filter; // `$share/group` without a filter: invalid, leave it for validation
  if (inner === 0) return mountTopic(mountpoint, filter);
  return filter.slice(0, inner) + mountTopic(mountpoint, filter.slice(inner));
}

export type MountpointRejection = "invalid_tenant" | "escapes_tenant" | "missing_trailing_slash" | "unknown_placeholder" | "unterminated_placeholder" | "empty_placeholder_value" | TopicRejection;

export type MountpointCheck = { ok: true } | { ok: false; reason: MountpointRejection };
export type MountpointExpansion = { ok: true; mountpoint: string } | { ok: false; reason: MountpointRejection };

/**
 * A mountpoint is acceptable for a tenant when it lies inside `t/{tenant}/` (the trailing `/`
 * matters: `t/acme` + `2/x` would be `t/acme2/x`), ends with `/` so that it is a whole number
 * of levels, and is itself a valid topic name (no wildcards, NUL or control characters).
 */
export function validateMountpoint(mountpoint: string, tenant: string): MountpointCheck {
  if (!isTenantId(tenant)) return { ok: false, reason: "invalid_tenant" };
  if (!mountpoint.startsWith(`${TENANT_ROOT}/${tenant}/`)) return { ok: false, reason: "escapes_tenant" };
  if (!mountpoint.endsWith("/")) return { ok: false, reason: "missing_trailing_slash" };
  return validateTopicName(mountpoint, SPEC_TOPIC_LIMITS);
}

export interface MountpointVariables {
  readonly tenant: string;
  readonly clientId: string;
  readonly username?: string;
}

const PLACEHOLDERS = new Set<string>(["tenant", "clientId", "username"]);

/**
 * Expand `${tenant}`, `${clientId}` and `${username}` in a template, then validate the result
 * for the tenant. Client-chosen values (client id, username) can contain anything, which is
 * why the check runs on the expanded string: a `+`, `#` or another tenant's id in them makes
 * the mountpoint invalid rather than broader.
 */
export function expandMountpoint(template: string, variables: MountpointVariables): MountpointExpansion {
  let expanded = "";
  let from = 0;
  for (;;) {
    const open = template.indexOf("${", from);
    if (open < 0) break;
    const close = template.indexOf("}", open + 2);
    if (close < 0) return { ok: false, reason: "unterminated_placeholder" };
    const name = template.slice(open + 2, close);
    if (!PLACEHOLDERS.has(name)) return { ok: false, reason: "unknown_placeholder" };
    const value = variables[name as keyof MountpointVariables];
    if (value === undefined || value === "") return { ok: false, reason: "empty_placeholder_value" };
    expanded += template.slice(from, open) + value;
    from = close + 1;
  }
  expanded += template.slice(from);
  const check = validateMountpoint(expanded, variables.tenant);
  return check.ok ? { ok: true, mountpoint: expanded } : check;
}

/** Stand-ins for the client-chosen placeholders when a template is checked before any client exists. */
const SAMPLE_CLIENT = { clientId: "client", username: "user" } as const;

/**
 * Checks a stored mountpoint (or template) for a tenant when it is written, as the API does for
 * API keys and device profiles: the template expanded with plain sample values for the client's
 * placeholders must lie inside `t/{tenant}/`. Client-chosen values are checked again at CONNECT.
 */
export function validateMountpointTemplate(template: string, tenant: string): MountpointCheck {
  const expanded = expandMountpoint(template, { tenant, ...SAMPLE_CLIENT });
  return expanded.ok ? { ok: true } : expanded;
}

/** Why a mountpoint was refused, in words for an API client. */
export function describeMountpointRejection(reason: MountpointRejection, tenant: string): string {
  switch (reason) {
    case "escapes_tenant":
    case "invalid_tenant":
      return `must lie inside this tenant's namespace: start with 't/\${tenant}/' or 't/${tenant}/'`;
    case "missing_trailing_slash":
      return "must end with '/' (a whole number of topic levels)";
    case "unknown_placeholder":
      return "only the placeholders ${tenant}, ${clientId} and ${username} exist";
    case "unterminated_placeholder":
      return "a placeholder '${' is not closed with '}'";
    case "empty_placeholder_value":
      return "a placeholder has no value";
    default:
      return `is not a valid topic prefix (${reason})`;
  }
}
