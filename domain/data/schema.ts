/**
 * The registry schema (D1, drizzle). Two kinds of tables:
 * - platform tables (tenants, users) that no single tenant owns;
 * - tenant-owned tables, whose primary key always starts with `tenant_id`, so ids never collide
 *   across tenants and no row exists without a tenant.
 * Route handlers never import this file: they reach tenant-owned rows only through
 * `forTenant()` (tenant-scope.ts), which pins `tenant_id` on every query.
 */
import { sql } from "drizzle-orm";
import { foreignKey, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { HealthPolicy } from "../health/policy";

const createdAt = () => integer("created_at", { mode: "number" }).notNull();
const updatedAt = () => integer("updated_at", { mode: "number" }).notNull();
const tenantRef = () =>
  text("tenant_id")
    .notNull()
    .references(() => tenants.id, { onDelete: "cascade" });
const json = <T>(name: string) => text(name, { mode: "json" }).$type<T>();

export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  status: text("status", { enum: ["provisioning", "active", "suspended", "offboarding", "deleted"] }).notNull(),
  plan: text("plan", { enum: ["starter", "professional", "enterprise"] }).notNull(),
  region: text("region", { enum: ["default", "eu", "fedramp"] })
    .notNull()
    .default("default"),
  /** Per-tenant overrides of the plan's limits, set by the platform operator. */
  limits: json<Record<string, number>>("limits")
    .notNull()
    .default(sql`'{}'`),
  branding: json<Record<string, string>>("branding")
    .notNull()
    .default(sql`'{}'`),
  /** Set when offboarding finished; the row stays as a tombstone so the id is not reused too soon. */
  deletedAt: integer("deleted_at"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * User accounts. An address may have several *unverified* accounts (whoever signs up with it gets
 * one, so signup never reveals whether the address is known), but at most one verified account:
 * proving the address (a verification or invitation mail) folds its unverified accounts into the
 * verified one. Only verified accounts can join other tenants.
 */
export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    /** When the owner of `email` proved they read mail sent to it; null until then. */
    emailVerifiedAt: integer("email_verified_at"),
    /** The workspace the user last logged in to or switched to: where a login without `tenant` lands. */
    lastTenantId: text("last_tenant_id"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("users_email").on(t.email),
    uniqueIndex("users_verified_email")
      .on(t.email)
      .where(sql`email_verified_at is not null`),
  ],
);

/** Single-use tokens mailed to an address to prove it (the token itself is only in the mail). */
export const emailVerifications = sqliteTable(
  "email_verifications",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    tokenHash: text("token_hash").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    createdAt: createdAt(),
  },
  (t) => [index("email_verifications_user").on(t.userId)],
);

/**
 * Mail that a development platform "sent" (DEV_MAIL_OUTBOX=true): kept so people running
 * `npm run dev` and the tests can follow verification and invitation links. A deployed Worker
 * never writes or serves it (the variable is not set there).
 */
export const devOutbox = sqliteTable("dev_outbox", {
  id: text("id").primaryKey(),
  to: text("to_address").notNull(),
  kind: text("kind").notNull(),
  subject: text("subject").notNull(),
  text: text("body_text").notNull(),
  link: text("link"),
  createdAt: createdAt(),
});

export const memberships = sqliteTable(
  "memberships",
  {
    tenantId: tenantRef(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["VIEWER", "MEMBER", "ADMIN", "OWNER"] }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId] }), index("memberships_user").on(t.userId)],
);

export const invitations = sqliteTable(
  "invitations",
  {
    tenantId: tenantRef(),
    id: text("id").notNull(),
    email: text("email").notNull(),
    role: text("role", { enum: ["VIEWER", "MEMBER", "ADMIN", "OWNER"] }).notNull(),
    tokenHash: text("token_hash").notNull(),
    invitedBy: text("invited_by").notNull(),
    expiresAt: integer("expires_at").notNull(),
    acceptedAt: integer("accepted_at"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    tenantId: tenantRef(),
    id: text("id").notNull(),
    name: text("name").notNull(),
    /** The non-secret start of the key, shown in lists so a user can tell keys apart. */
    prefix: text("prefix").notNull(),
    secretHash: text("secret_hash").notNull(),
    role: text("role", { enum: ["VIEWER", "MEMBER", "ADMIN", "OWNER"] }).notNull(),
    mountpoint: text("mountpoint"),
    createdBy: text("created_by").notNull(),
    expiresAt: integer("expires_at"),
    lastUsedAt: integer("last_used_at"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

export type TelemetryMetricRule = { type?: "number" | "boolean" | "string"; unit?: string; min?: number; max?: number };

export const deviceProfiles = sqliteTable(
  "device_profiles",
  {
    tenantId: tenantRef(),
    id: text("id").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** EMQX-style topic mountpoint for this profile's devices, e.g. `t/${tenant}/`. */
    mountpoint: text("mountpoint"),
    /** Allowed telemetry metrics; empty means any metric is accepted. */
    metrics: json<Record<string, TelemetryMetricRule>>("metrics")
      .notNull()
      .default(sql`'{}'`),
    isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
    /** Fleet health expectations of its devices (heartbeat interval, inactivity timeout, vital bounds). */
    health: json<HealthPolicy>("health"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

export const devices = sqliteTable(
  "devices",
  {
    tenantId: tenantRef(),
    id: text("id").notNull(),
    name: text("name").notNull(),
    kind: text("kind", { enum: ["INTERNAL", "INTEGRATION", "EXTERNAL"] }).notNull(),
    type: text("type", { enum: ["device", "gateway"] }).notNull(),
    /** The gateway this device's readings are relayed through (kept consistent in code: a
     * composite FK with SET NULL would also null tenant_id). */
    parentId: text("parent_id"),
    profileId: text("profile_id"),
    lat: real("lat"),
    lon: real("lon"),
    tags: json<string[]>("tags")
      .notNull()
      .default(sql`'[]'`),
    firmwareVersion: text("firmware_version"),
    hardwareRevision: text("hardware_revision"),
    /** Connectivity: provisioned (never connected), online, offline. */
    status: text("status", { enum: ["provisioned", "online", "offline"] })
      .notNull()
      .default("provisioned"),
    disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
    lastSeenAt: integer("last_seen_at"),
    /**
     * Fleet health as the tenant's hub last reported it (the hub decides; this mirror lets the
     * API filter and count). `health_seq` is the connection sequence number the state belongs
     * to: an older connection's report never overwrites a newer one's.
     */
    health: text("health", { enum: ["online", "degraded", "offline", "never_seen"] })
      .notNull()
      .default("never_seen"),
    healthReason: text("health_reason"),
    healthSince: integer("health_since"),
    healthSeq: integer("health_seq").notNull().default(0),
    /** The device's own health settings, over its profile's. */
    healthPolicy: json<HealthPolicy>("health_policy"),
    secretHash: text("secret_hash").notNull(),
    credentialsRotatedAt: integer("credentials_rotated_at").notNull(),
    clientAttributes: json<Record<string, unknown>>("client_attributes")
      .notNull()
      .default(sql`'{}'`),
    sharedAttributes: json<Record<string, unknown>>("shared_attributes")
      .notNull()
      .default(sql`'{}'`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.profileId], foreignColumns: [deviceProfiles.tenantId, deviceProfiles.id] }),
    index("devices_parent").on(t.tenantId, t.parentId),
    index("devices_health").on(t.tenantId, t.health),
  ],
);

/**
 * A device's public credentials beyond its shared secret: a public key (the device signs short-
 * lived JWTs with the private half) or an X.509 certificate (presented in mTLS at the edge). Both
 * are public material: nothing here needs hashing. Revoked rows stay, so a revoked credential is
 * refused as revoked (0x87) and its history remains readable.
 */
export const deviceCredentials = sqliteTable(
  "device_credentials",
  {
    tenantId: tenantRef(),
    id: text("id").notNull(),
    deviceId: text("device_id").notNull(),
    type: text("type", { enum: ["jwk", "certificate"] }).notNull(),
    /** ES256 / EdDSA for keys; the certificate's own algorithm is not needed. */
    algorithm: text("algorithm"),
    /** RFC 7638 thumbprint of a key; lowercase hex SHA-256 of a certificate's DER. */
    fingerprint: text("fingerprint").notNull(),
    /** The public JWK (JSON) or the certificate (DER, base64). */
    material: text("material").notNull(),
    subject: text("subject"),
    issuer: text("issuer"),
    serial: text("serial"),
    notBefore: integer("not_before"),
    notAfter: integer("not_after"),
    status: text("status", { enum: ["active", "revoked"] }).notNull(),
    /** Rotation: the credential this one replaces, revoked by the hub once the device connects with this one. */
    replacesId: text("replaces_id"),
    createdAt: createdAt(),
    revokedAt: integer("revoked_at"),
    lastUsedAt: integer("last_used_at"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.deviceId], foreignColumns: [devices.tenantId, devices.id] }).onDelete("cascade"),
    index("device_credentials_device").on(t.tenantId, t.deviceId),
    // A certificate or key is active on at most one device of a tenant: the hub finds the device by it.
    uniqueIndex("device_credentials_active_fingerprint")
      .on(t.tenantId, t.fingerprint)
      .where(sql`status = 'active'`),
    index("device_credentials_expiry").on(t.tenantId, t.notAfter),
  ],
);

export const assets = sqliteTable(
  "assets",
  {
    tenantId: tenantRef(),
    id: text("id").notNull(),
    name: text("name").notNull(),
    type: text("type").notNull(),
    description: text("description").notNull().default(""),
    lat: real("lat"),
    lon: real("lon"),
    attributes: json<Record<string, unknown>>("attributes")
      .notNull()
      .default(sql`'{}'`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

export const sensors = sqliteTable(
  "sensors",
  {
    tenantId: tenantRef(),
    assetId: text("asset_id").notNull(),
    id: text("id").notNull(),
    name: text("name").notNull(),
    type: text("type").notNull(),
    unit: text("unit").notNull().default(""),
    /** The device that reports this sensor's readings, when known. */
    deviceId: text("device_id"),
    min: real("min"),
    max: real("max"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.assetId, t.id] }), foreignKey({ columns: [t.tenantId, t.assetId], foreignColumns: [assets.tenantId, assets.id] }).onDelete("cascade")],
);

export const domains = sqliteTable(
  "domains",
  {
    tenantId: tenantRef(),
    hostname: text("hostname").notNull(),
    status: text("status", { enum: ["pending", "active", "failed"] }).notNull(),
    verificationToken: text("verification_token").notNull(),
    providerId: text("provider_id"),
    /** DNS records Cloudflare for SaaS asks for (ownership / certificate validation), as it returned them. */
    providerRecords: json<{ type: "CNAME" | "TXT"; name: string; value: string; purpose: "routing" | "ownership" | "certificate" }[]>("provider_records")
      .notNull()
      .default(sql`'[]'`),
    failureReason: text("failure_reason"),
    verifiedAt: integer("verified_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.hostname] }),
    // A hostname serves at most one tenant once it is active.
    uniqueIndex("domains_active_hostname")
      .on(t.hostname)
      .where(sql`status = 'active'`),
  ],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    tenantId: text("tenant_id").notNull(),
    id: text("id").notNull(),
    ts: integer("ts").notNull(),
    actorType: text("actor_type", { enum: ["user", "api_key", "device", "operator", "system", "anonymous"] }).notNull(),
    actorId: text("actor_id"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    outcome: text("outcome", { enum: ["success", "denied", "failure"] }).notNull(),
    requestId: text("request_id"),
    ip: text("ip"),
    details: json<Record<string, unknown>>("details")
      .notNull()
      .default(sql`'{}'`),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index("audit_log_ts").on(t.tenantId, t.ts)],
);

export const usage = sqliteTable(
  "usage",
  {
    tenantId: tenantRef(),
    /** Calendar month, `YYYY-MM` (UTC). */
    period: text("period").notNull(),
    metric: text("metric").notNull(),
    value: integer("value").notNull().default(0),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.period, t.metric] })],
);

/**
 * Telemetry queue messages that failed every retry and reached the dead-letter queue. Kept until
 * a member re-drives (re-enqueues) or discards them; `queue_message_id` makes recording them
 * idempotent when the dead-letter queue redelivers.
 */
export const deadLetters = sqliteTable(
  "dead_letters",
  {
    tenantId: tenantRef(),
    /** Time-ordered, so lists page newest first. */
    id: text("id").notNull(),
    queueMessageId: text("queue_message_id").notNull(),
    kind: text("kind", { enum: ["envelope", "ae-spill", "malformed"] }).notNull(),
    msgId: text("msg_id"),
    topic: text("topic"),
    /** When the hub received the original publish (envelopes only). */
    receivedAt: integer("received_at"),
    attempts: integer("attempts").notNull(),
    /** The queue body as JSON, exactly as it was enqueued. */
    body: text("body").notNull(),
    status: text("status", { enum: ["dead", "redriven"] })
      .notNull()
      .default("dead"),
    deadAt: integer("dead_at").notNull(),
    redrivenAt: integer("redriven_at"),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex("dead_letters_queue_message").on(t.tenantId, t.queueMessageId)],
);

/** Dashboards of a tenant; onboarding creates a starter dashboard. */
export const dashboards = sqliteTable(
  "dashboards",
  {
    tenantId: tenantRef(),
    id: text("id").notNull(),
    /** The document's name, kept beside it for lists. */
    name: text("name").notNull(),
    /**
     * The dashboard document (domain/schemas/dashboards.ts) with its own `schemaVersion`; read
     * through `parseDashboard`, which upgrades older versions.
     */
    document: json<Record<string, unknown>>("document").notNull(),
    /** Bumped by every write; the API's ETag. Writes name the version they replace (optimistic concurrency). */
    version: integer("version").notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/**
 * Firmware artifacts (domain/schemas/firmware.ts). The bytes live in R2 at `object_key` (under
 * the tenant's prefix); `sha256` and `size` are what the platform computed while they streamed
 * in. One row per (tenant, version): a version names exactly one image.
 */
export const firmware = sqliteTable(
  "firmware",
  {
    tenantId: tenantRef(),
    id: text("id").notNull(),
    title: text("title").notNull(),
    version: text("version").notNull(),
    targets: json<{ profiles: string[]; tags: string[] }>("targets").notNull(),
    deltaBaseVersion: text("delta_base_version"),
    releaseNotes: text("release_notes").notNull().default(""),
    status: text("status", { enum: ["pending_upload", "ready", "deprecated"] }).notNull(),
    objectKey: text("object_key").notNull(),
    size: integer("size"),
    sha256: text("sha256"),
    /** Base64 Ed25519 signature over the SHA-256 digest, by the tenant's signing key; verified at upload. */
    signature: text("signature"),
    createdAt: createdAt(),
    uploadedAt: integer("uploaded_at"),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex("firmware_version").on(t.tenantId, t.version)],
);

/**
 * Staged firmware rollouts (domain/schemas/rollouts.ts). The FirmwareRollout Workflow runs each
 * one; this row is its state for the API and the operations (pause, resume, cancel, rollback)
 * that the Workflow obeys. `gates` is every health-gate decision, with its figures.
 */
export const rollouts = sqliteTable(
  "rollouts",
  {
    tenantId: tenantRef(),
    id: text("id").notNull(),
    firmwareId: text("firmware_id").notNull(),
    version: text("version").notNull(),
    kind: text("kind", { enum: ["update", "rollback"] }).notNull(),
    /** For a rollback: the rollout whose updated devices it returns to their old version. */
    rollbackOf: text("rollback_of"),
    target: json<Record<string, unknown>>("target").notNull(),
    strategy: json<Record<string, unknown>>("strategy").notNull(),
    status: text("status", { enum: ["running", "paused", "completed", "canceled"] }).notNull(),
    /** The wave being updated (0-based); `waves` of them in all. */
    wave: integer("wave").notNull().default(0),
    waves: integer("waves").notNull(),
    pausedReason: json<Record<string, unknown>>("paused_reason"),
    gates: json<Record<string, unknown>[]>("gates").notNull(),
    /** Finished and failed updates when a person last resumed it: the failure rate counts only what came after. */
    acknowledged: json<{ executed: number; failed: number }>("acknowledged"),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    finishedAt: integer("finished_at"),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index("rollouts_status").on(t.tenantId, t.status)],
);

/**
 * One device's update within a rollout. States only move forward (domain/ota/rollout.ts) except
 * when a retry starts a new attempt; `history` keeps every transition with its time.
 */
export const rolloutExecutions = sqliteTable(
  "rollout_executions",
  {
    tenantId: tenantRef(),
    rolloutId: text("rollout_id").notNull(),
    deviceId: text("device_id").notNull(),
    wave: integer("wave").notNull(),
    /** Position in the rollout's shuffled order: waves take devices in this order. */
    position: integer("position").notNull(),
    state: text("state").notNull(),
    attempt: integer("attempt").notNull().default(0),
    fromVersion: text("from_version"),
    progress: integer("progress"),
    error: text("error"),
    deadlineAt: integer("deadline_at"),
    history: json<{ state: string; at: number; attempt: number; error?: string }[]>("history").notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.rolloutId, t.deviceId] }), index("rollout_executions_state").on(t.tenantId, t.rolloutId, t.state), index("rollout_executions_device").on(t.tenantId, t.deviceId)],
);

/** A tenant's firmware signing: the Ed25519 public key artifacts are verified with, and whether unsigned ones are refused. */
export const firmwareSigning = sqliteTable("firmware_signing", {
  tenantId: tenantRef().primaryKey(),
  /** Base64 of the 32-byte raw Ed25519 public key. */
  publicKey: text("public_key"),
  requireSigned: integer("require_signed", { mode: "boolean" }).notNull().default(false),
  updatedAt: updatedAt(),
});

/**
 * Signed deletion certificates of offboarded tenants. A platform table: it outlives the tenant's
 * data on purpose (no foreign key to `tenants`), and holds counts and hashes, never tenant data.
 */
export const deletionCertificates = sqliteTable(
  "deletion_certificates",
  {
    tenantId: text("tenant_id").notNull(),
    id: text("id").notNull(),
    issuedAt: integer("issued_at").notNull(),
    manifestSha256: text("manifest_sha256").notNull(),
    /** The certificate as a compact JWS signed with the platform key. */
    jws: text("jws").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/**
 * Alarm rules of a tenant (domain/schemas/alarms.ts). The API pushes the whole set to the
 * tenant's hot store after every change; the store evaluates them without reading D1.
 */
export const alarmRules = sqliteTable(
  "alarm_rules",
  {
    tenantId: tenantRef(),
    id: text("id").notNull(),
    name: text("name").notNull(),
    /** `{kind: "profile"|"device"|"tag", …}` */
    scope: json<Record<string, unknown>>("scope").notNull(),
    condition: json<Record<string, unknown>>("condition").notNull(),
    severity: text("severity", { enum: ["critical", "major", "minor", "warning"] }).notNull(),
    raiseAfter: integer("raise_after").notNull(),
    clearAfter: integer("clear_after").notNull(),
    durationSeconds: integer("duration_seconds").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/** Where a tenant's alarm events are POSTed, signed with the target's secret (HMAC-SHA256). */
export const alarmWebhooks = sqliteTable(
  "alarm_webhooks",
  {
    tenantId: tenantRef(),
    id: text("id").notNull(),
    name: text("name").notNull(),
    url: text("url").notNull(),
    /** The signing key; shown once, on creation. */
    secret: text("secret").notNull(),
    minSeverity: text("min_severity", { enum: ["critical", "major", "minor", "warning"] }).notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/** The delivery log: one row per (event, target), its attempts and outcome. */
export const alarmWebhookDeliveries = sqliteTable(
  "alarm_webhook_deliveries",
  {
    tenantId: tenantRef(),
    /** `{eventId}@{targetId}`: a re-sent event finds its delivery instead of making a second one. */
    id: text("id").notNull(),
    targetId: text("target_id").notNull(),
    eventId: text("event_id").notNull(),
    eventType: text("event_type", { enum: ["raised", "cleared", "acknowledged", "rollout_paused"] }).notNull(),
    alarmId: text("alarm_id").notNull(),
    status: text("status", { enum: ["pending", "delivered", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index("alarm_webhook_deliveries_target").on(t.tenantId, t.targetId, t.createdAt)],
);
