/**
 * Firmware artifacts for over-the-air updates. An artifact is registered (its metadata), then
 * its bytes are uploaded once, streamed into R2 under the tenant's prefix while the platform
 * computes their SHA-256 and size; from then on it is immutable. Deprecated artifacts stay
 * downloadable for devices already updating but cannot start new rollouts.
 */
import { z } from "zod";
import { DeviceId, ResourceId } from "../ids";
import { Ed25519PublicKey, Ed25519Signature } from "../ota/signature";
import { Tags, Timestamp } from "./common";

/** Semantic version 2.0.0: MAJOR.MINOR.PATCH with optional pre-release and build. */
const SemVer = z
  .string()
  .max(64)
  .regex(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/, "a semantic version such as 1.4.2 or 2.0.0-rc.1");

const FirmwareStatus = z.enum(["pending_upload", "ready", "deprecated"]);

export const Firmware = z.object({
  id: ResourceId,
  title: z.string(),
  version: SemVer,
  targets: z.object({ profiles: z.array(ResourceId), tags: z.array(z.string()) }).describe("the device profiles and hardware tags it is built for (empty: any)"),
  deltaBaseVersion: SemVer.nullable().describe("for a delta image: the version it applies on"),
  releaseNotes: z.string(),
  status: FirmwareStatus,
  size: z.number().int().nullable().describe("bytes; null until uploaded"),
  sha256: z.string().nullable().describe("hex SHA-256 of the artifact, computed by the platform while it streamed in"),
  signature: z.string().nullable().describe("base64 Ed25519 signature over the SHA-256 digest (32 bytes), verified with the tenant's signing key at upload"),
  createdAt: Timestamp,
  uploadedAt: Timestamp.nullable(),
  updatedAt: Timestamp,
});
export type Firmware = z.infer<typeof Firmware>;

export const CreateFirmware = z.strictObject({
  id: ResourceId.optional().describe("default: generated"),
  title: z.string().trim().min(1).max(120),
  version: SemVer,
  targets: z.strictObject({ profiles: z.array(ResourceId).max(32).default([]), tags: Tags.default([]) }).default({ profiles: [], tags: [] }),
  deltaBaseVersion: SemVer.nullable().optional(),
  releaseNotes: z.string().max(10_000).default(""),
  signature: Ed25519Signature.optional().describe("base64 Ed25519 signature over the artifact's SHA-256 digest; checked when the bytes arrive"),
});
export type CreateFirmware = z.infer<typeof CreateFirmware>;

export const FirmwareListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  status: FirmwareStatus.optional(),
});
export type FirmwareListQuery = z.infer<typeof FirmwareListQuery>;

/** What a registration answers: the artifact and where its bytes go. */
export const FirmwareCreated = z.object({
  firmware: Firmware,
  upload: z.object({ method: z.literal("PUT"), url: z.string(), maxBytes: z.number().int(), headers: z.record(z.string(), z.string()) }),
});

/** Usage of the firmware store, for the plan's limits. */
export const FirmwareStorage = z.object({ artifacts: z.number().int(), storedBytes: z.number().int(), maxFirmwareStorageBytes: z.number().int(), maxArtifactBytes: z.number().int() });

export const DownloadUrlRequest = z.strictObject({
  deviceId: DeviceId,
  ttlSeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 86_400)
    .default(3600)
    .describe("how long the link works (default an hour)"),
});
export const DownloadUrl = z.object({
  url: z.string().describe("path on this host; the token in it is the credential"),
  expiresAt: Timestamp,
  sha256: z.string(),
  size: z.number().int().nullable(),
});

/** The tenant's firmware signing settings. */
export const FirmwareSigning = z.object({
  publicKey: z.string().nullable().describe("base64 raw Ed25519 public key (32 bytes); null: none registered"),
  requireSigned: z.boolean().describe("refuse artifacts registered without a signature"),
});
export type FirmwareSigning = z.infer<typeof FirmwareSigning>;
export const UpdateFirmwareSigning = z.strictObject({ publicKey: Ed25519PublicKey.nullable(), requireSigned: z.boolean() });
