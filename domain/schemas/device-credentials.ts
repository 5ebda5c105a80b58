import { z } from "zod";
import { DevicePublicJwk } from "../auth/device-jwt";
import { DeviceId } from "../ids";
import { Timestamp } from "./common";

/** A device holds at most this many active credentials (keys and certificates together), so a new one can be rolled in before the old one goes. */
export const MAX_ACTIVE_DEVICE_CREDENTIALS = 2;

export const DeviceCredentialType = z.enum(["jwk", "certificate"]);

export const CreateDeviceCredential = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("jwk"), jwk: DevicePublicJwk.describe("the public key: EC P-256 (ES256) or OKP Ed25519 (EdDSA), no private part") }),
  z.strictObject({ type: z.literal("certificate"), pem: z.string().min(100).max(16_384).describe("one X.509 certificate, PEM") }),
]);
export type CreateDeviceCredential = z.infer<typeof CreateDeviceCredential>;

export const DeviceCredential = z.object({
  id: z.string(),
  deviceId: DeviceId,
  type: DeviceCredentialType,
  algorithm: z.string().nullable().describe("ES256 or EdDSA for keys"),
  fingerprint: z.string().describe("keys: RFC 7638 SHA-256 thumbprint; certificates: lowercase hex SHA-256 of the DER"),
  jwk: DevicePublicJwk.nullable(),
  subject: z.string().nullable(),
  issuer: z.string().nullable(),
  serial: z.string().nullable(),
  notBefore: Timestamp.nullable(),
  notAfter: Timestamp.nullable(),
  status: z.enum(["active", "revoked"]),
  createdAt: Timestamp,
  revokedAt: Timestamp.nullable(),
  lastUsedAt: Timestamp.nullable(),
});
export type DeviceCredential = z.infer<typeof DeviceCredential>;

export const DeviceCredentialParams = z.object({ id: DeviceId, credentialId: z.string().min(1).max(64) });
