import { z } from "zod";
import { DevicePublicJwk } from "../auth/device-jwt";
import { DeviceId } from "../ids";
import { Timestamp } from "./common";

/** A device holds at most this many active credentials (keys and certificates together), so a new one can be rolled in before the old one goes. */
export const MAX_ACTIVE_DEVICE_CREDENTIALS = 2;

const DeviceCredentialType = z.enum(["jwk", "certificate"]);

const CredentialId = z.string().min(1).max(64);
const Replaces = CredentialId.optional().describe("rotation: an active credential of this device that the hub revokes once the device connects with the new one");

export const CreateDeviceCredential = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("jwk"), jwk: DevicePublicJwk.describe("the public key: EC P-256 (ES256) or OKP Ed25519 (EdDSA), no private part"), replaces: Replaces }),
  z.strictObject({ type: z.literal("certificate"), pem: z.string().min(100).max(16_384).describe("one X.509 certificate, PEM"), replaces: Replaces }),
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
  replacesId: z.string().nullable().describe("the credential this one replaces, until the device first connects with this one"),
  createdAt: Timestamp,
  revokedAt: Timestamp.nullable(),
  lastUsedAt: Timestamp.nullable(),
});
export type DeviceCredential = z.infer<typeof DeviceCredential>;

/** A credential as it is stored: the public JWK (JSON) or the certificate's DER (base64) as `material`, plus what was read from it. */
export type NewDeviceCredential = {
  deviceId: string;
  type: "jwk" | "certificate";
  algorithm: string | null;
  fingerprint: string;
  material: string;
  subject?: string | null;
  issuer?: string | null;
  serial?: string | null;
  notBefore?: number | null;
  notAfter?: number | null;
  replacesId?: string | null;
};

export const DeviceCredentialParams = z.object({ id: DeviceId, credentialId: CredentialId });

/** Asks a device (on its attributes/set channel) to register a new credential replacing `replaces`. */
export const RotationRequest = z.strictObject({
  replaces: CredentialId.describe("the active credential the device should replace"),
  reason: z.string().trim().min(1).max(200).optional(),
});
export const RotationRequestResult = z.object({ published: z.boolean().describe("whether the hub accepted the message"), topic: z.string(), message: z.record(z.string(), z.unknown()) });
