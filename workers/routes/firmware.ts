/**
 * Firmware artifacts (`/api/v1/firmware`): ADMIN registers an artifact, uploads its bytes once
 * (streamed into R2 under the tenant's prefix, SHA-256 and size computed on the way), deprecates
 * and deletes; MEMBER reads. Sizes are bounded by the plan (`maxArtifactBytes` per artifact,
 * `maxFirmwareStorageBytes` in all).
 */
import { z } from "zod";
import { AppError } from "../../domain/errors";
import { ResourceId } from "../../domain/ids";
import { effectiveLimits } from "../../domain/plans";
import { page } from "../../domain/schemas/common";
import { issueDownloadToken } from "../../domain/auth/tokens";
import { signatureMatches } from "../../domain/ota/signature";
import { CreateFirmware, DownloadUrl, DownloadUrlRequest, Firmware, FirmwareCreated, FirmwareListQuery, FirmwareSigning, FirmwareStorage, UpdateFirmwareSigning } from "../../domain/schemas/firmware";
import { audit } from "../http/audit";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { tenantRouter } from "../http/tenant-router";
import { validate } from "../http/validate";
import { storeArtifact } from "../ota/artifacts";
import { errorFields } from "../../domain/log";
import { requestLog } from "../http/log";

const tags = ["firmware"];
const IdParam = z.object({ id: ResourceId });

export const firmwareRoutes = tenantRouter()
  .get("/", doc({ summary: "List firmware artifacts", tags, ok: { schema: page(Firmware) }, errors: [400] }), requireRole("MEMBER"), validate("query", FirmwareListQuery), async (c) =>
    c.json(await c.get("data").firmware.list(c.req.valid("query"))),
  )
  .get("/storage", doc({ summary: "Firmware storage used and allowed", tags, ok: { schema: FirmwareStorage } }), requireRole("MEMBER"), async (c) => {
    const { maxArtifactBytes, maxFirmwareStorageBytes } = effectiveLimits(c.get("tenant").plan, c.get("tenant").limits);
    return c.json({ ...(await c.get("data").firmware.storage()), maxArtifactBytes, maxFirmwareStorageBytes });
  })
  .get("/signing", doc({ summary: "The tenant's firmware signing key and policy", tags, ok: { schema: FirmwareSigning } }), requireRole("MEMBER"), async (c) => c.json(await c.get("data").firmware.signing()))
  .put(
    "/signing",
    doc({
      summary: "Set the firmware signing key and policy",
      description: "publicKey: base64 of a raw Ed25519 public key (32 bytes); artifacts registered with a `signature` are verified with it when their bytes arrive. requireSigned refuses artifacts registered without one.",
      tags,
      ok: { schema: FirmwareSigning },
      errors: [400],
    }),
    requireRole("ADMIN"),
    validate("json", UpdateFirmwareSigning),
    async (c) => {
      const settings = await c.get("data").firmware.setSigning(c.req.valid("json"));
      await audit(c, { action: "firmware.signing_update", targetType: "tenant", targetId: c.get("tenant").id, outcome: "success", details: { key: settings.publicKey !== null, requireSigned: settings.requireSigned } });
      return c.json(settings);
    },
  )
  .post(
    "/",
    doc({ summary: "Register a firmware artifact", description: "Answers where to PUT its bytes. One version names one image: a version already registered is 409.", tags, ok: { status: 201, schema: FirmwareCreated }, errors: [400, 409] }),
    requireRole("ADMIN"),
    validate("json", CreateFirmware),
    async (c) => {
      const input = c.req.valid("json");
      const signing = await c.get("data").firmware.signing();
      if (input.signature && !signing.publicKey) throw new AppError("conflict", "a signed artifact needs the tenant's signing key first (PUT /api/v1/firmware/signing)");
      if (!input.signature && signing.requireSigned)
        throw new AppError("validation_failed", "this tenant accepts signed firmware only", { errors: [{ path: "signature", message: "required: an Ed25519 signature over the artifact's SHA-256 digest, base64" }] });
      const fw = await c.get("data").firmware.create(input);
      await audit(c, { action: "firmware.create", targetType: "firmware", targetId: fw.id, outcome: "success", details: { version: fw.version } });
      const { maxArtifactBytes } = effectiveLimits(c.get("tenant").plan, c.get("tenant").limits);
      c.header("location", `/api/v1/firmware/${fw.id}`);
      return c.json({ firmware: fw, upload: { method: "PUT" as const, url: `/api/v1/firmware/${fw.id}/artifact`, maxBytes: maxArtifactBytes, headers: { "content-type": "application/octet-stream" } } }, 201);
    },
  )
  .get("/:id", doc({ summary: "Get a firmware artifact", tags, ok: { schema: Firmware }, errors: [404] }), requireRole("MEMBER"), validate("param", IdParam), async (c) => c.json(await c.get("data").firmware.get(c.req.valid("param").id)))
  .put(
    "/:id/artifact",
    doc({
      summary: "Upload a firmware artifact's bytes",
      description: "The raw image as the body with its Content-Length (411 without). Streamed into storage; the answer carries the SHA-256 and size the platform computed. Once only: a second upload is 409.",
      tags,
      ok: { schema: Firmware },
      errors: [400, 403, 404, 409, 411, 413],
    }),
    requireRole("ADMIN"),
    validate("param", IdParam),
    async (c) => {
      const data = c.get("data");
      const tenant = c.get("tenant");
      const fw = await data.firmware.stored(c.req.valid("param").id);
      if (fw.status !== "pending_upload") throw new AppError("conflict", `firmware '${fw.id}' already has its artifact (sha256 ${fw.sha256}); register a new version instead`);
      const declared = c.req.header("content-length");
      if (!declared || !/^\d+$/.test(declared)) throw new AppError("length_required", "send the artifact with its Content-Length");
      const length = Number(declared);
      const { maxArtifactBytes, maxFirmwareStorageBytes } = effectiveLimits(tenant.plan, tenant.limits);
      if (length === 0) throw new AppError("validation_failed", "the artifact is empty", { errors: [{ path: "body", message: "an empty image" }] });
      if (length > maxArtifactBytes) throw new AppError("payload_too_large", `the ${tenant.plan} plan stores artifacts of at most ${maxArtifactBytes} bytes`, { limit: "maxArtifactBytes", max: maxArtifactBytes });
      const { storedBytes } = await data.firmware.storage();
      if (storedBytes + length > maxFirmwareStorageBytes) {
        throw new AppError("plan_limit_reached", `${storedBytes} of ${maxFirmwareStorageBytes} bytes of firmware storage are used; delete old artifacts first`, {
          limit: "maxFirmwareStorageBytes",
          max: maxFirmwareStorageBytes,
          used: storedBytes,
        });
      }
      const body = c.req.raw.body;
      if (!body) throw new AppError("validation_failed", "the artifact is empty", { errors: [{ path: "body", message: "no body" }] });
      let stored;
      try {
        stored = await storeArtifact(c.env.FIRMWARE, fw.objectKey, body, length);
      } catch (err) {
        requestLog(c, "firmware").warn("firmware upload failed", errorFields(err));
        throw new AppError("bad_request", "the upload ended before its Content-Length was reached (or went past it); nothing was kept, upload again");
      }
      if (fw.signature) {
        const { publicKey } = await data.firmware.signing();
        if (!publicKey || !(await signatureMatches(publicKey, fw.signature, stored.sha256))) {
          await c.env.FIRMWARE.delete(fw.objectKey);
          throw new AppError("validation_failed", `the signature does not match this artifact (sha256 ${stored.sha256}) under the tenant's signing key; nothing was kept`, {
            errors: [{ path: "signature", message: "does not verify: delete this registration and register the artifact again with the right signature" }],
          });
        }
      }
      const ready = await data.firmware.uploaded(fw.id, stored.size, stored.sha256);
      if (!ready) throw new AppError("conflict", `firmware '${fw.id}' got its artifact from another upload meanwhile`);
      await audit(c, { action: "firmware.upload", targetType: "firmware", targetId: fw.id, outcome: "success", details: { size: stored.size, sha256: stored.sha256 } });
      return c.json(ready);
    },
  )
  .post(
    "/:id/download-urls",
    doc({
      summary: "Make a device's download link for a firmware artifact",
      description: "A short-lived URL bound to the device, the artifact and its SHA-256 (`GET /api/v1/ota/download/{token}`, Range supported). Rollouts make these themselves; this is for a single device.",
      tags,
      ok: { status: 201, schema: DownloadUrl },
      errors: [400, 404, 409],
    }),
    requireRole("ADMIN"),
    validate("param", IdParam),
    validate("json", DownloadUrlRequest),
    async (c) => {
      const data = c.get("data");
      const fw = await data.firmware.get(c.req.valid("param").id);
      const { deviceId, ttlSeconds } = c.req.valid("json");
      await data.devices.get(deviceId);
      if (fw.sha256 === null) throw new AppError("conflict", `firmware '${fw.id}' has no uploaded artifact yet`);
      const { token, expiresAt } = await issueDownloadToken(c.env.JWT_SIGNING_KEY, { tid: c.get("tenant").id, sub: deviceId, fw: fw.id, sha256: fw.sha256 }, ttlSeconds);
      await audit(c, { action: "firmware.download_url", targetType: "firmware", targetId: fw.id, outcome: "success", details: { deviceId, expiresAt } });
      return c.json({ url: `/api/v1/ota/download/${token}`, expiresAt, sha256: fw.sha256, size: fw.size }, 201);
    },
  )
  .post(
    "/:id/deprecate",
    doc({ summary: "Deprecate a firmware artifact", description: "It can no longer start rollouts; devices already updating may still download it.", tags, ok: { schema: Firmware }, errors: [404, 409] }),
    requireRole("ADMIN"),
    validate("param", IdParam),
    async (c) => {
      const fw = await c.get("data").firmware.deprecate(c.req.valid("param").id);
      await audit(c, { action: "firmware.deprecate", targetType: "firmware", targetId: fw.id, outcome: "success" });
      return c.json(fw);
    },
  )
  .delete(
    "/:id",
    doc({ summary: "Delete a firmware artifact", description: "Its metadata and its bytes. 409 while a running or paused rollout installs it.", tags, ok: { status: 204, description: "Deleted" }, errors: [404, 409] }),
    requireRole("ADMIN"),
    validate("param", IdParam),
    async (c) => {
      const { id } = c.req.valid("param");
      const rollout = await c.get("data").rollouts.usingFirmware(id);
      if (rollout) throw new AppError("conflict", `rollout '${rollout}' is installing firmware '${id}'; finish or cancel it first`);
      const key = await c.get("data").firmware.delete(id);
      await c.env.FIRMWARE.delete(key);
      await audit(c, { action: "firmware.delete", targetType: "firmware", targetId: id, outcome: "success" });
      return c.body(null, 204);
    },
  );
