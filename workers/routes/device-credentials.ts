/**
 * A device's credentials beyond its shared secret: public keys (the device signs short-lived JWTs
 * as its MQTT password) and X.509 certificates (presented in mTLS at Cloudflare's edge, matched by
 * fingerprint). At most two are active at once, so a device can roll to a new one without
 * downtime: register the new one, let the device connect with it, revoke the old one. Mounted
 * inside the devices router, which authenticates.
 */
import { Hono } from "hono";
import { z } from "zod";
import { algorithmOf, isUsablePublicKey, jwkFingerprint } from "../../domain/auth/device-jwt";
import { parseCertificatePem } from "../../domain/auth/x509";
import type { NewDeviceCredential } from "../../domain/data/repos/device-credentials";
import { AppError, notFound } from "../../domain/errors";
import { DeviceId } from "../../domain/ids";
import { CreateDeviceCredential, DeviceCredential, DeviceCredentialParams, type CreateDeviceCredential as CreateInput } from "../../domain/schemas/device-credentials";
import type { AppEnv } from "../http/app-env";
import { audit } from "../http/audit";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { credentialChanged } from "../http/hub-notify";
import { validate } from "../http/validate";

const tags = ["devices"];
const IdParam = z.object({ id: DeviceId });

const invalid = (path: string, message: string) => new AppError("validation_failed", message, { errors: [{ path, message }] });

/** Turns what was uploaded into the row to store, refusing what no device could ever use. */
async function credentialFrom(deviceId: string, input: CreateInput, now: number): Promise<NewDeviceCredential> {
  if (input.type === "jwk") {
    if (!(await isUsablePublicKey(input.jwk))) throw invalid("body.jwk", "not a valid public key for its curve");
    return { deviceId, type: "jwk", algorithm: algorithmOf(input.jwk), fingerprint: await jwkFingerprint(input.jwk), material: JSON.stringify(input.jwk) };
  }
  const parsed = await parseCertificatePem(input.pem);
  if (!parsed.ok) throw invalid("body.pem", parsed.reason);
  const cert = parsed.certificate;
  if (cert.notAfter <= now) throw invalid("body.pem", "the certificate has expired");
  return {
    deviceId,
    type: "certificate",
    algorithm: null,
    fingerprint: cert.fingerprint,
    material: cert.derBase64,
    subject: cert.subject,
    issuer: cert.issuer,
    serial: cert.serial,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
  };
}

export const deviceCredentialRoutes = new Hono<AppEnv>()
  .post(
    "/",
    doc({
      summary: "Register a device key or certificate",
      description: "`type: jwk` registers a public key (ES256 or EdDSA) the device signs its MQTT password tokens with; `type: certificate` registers an X.509 certificate (PEM) the device presents in mTLS. At most two active credentials per device (409 beyond).",
      tags,
      ok: { status: 201, schema: DeviceCredential },
      errors: [400, 404, 409],
    }),
    requireRole("MEMBER"),
    validate("param", IdParam),
    validate("json", CreateDeviceCredential),
    async (c) => {
      const { id } = c.req.valid("param");
      const data = c.get("data");
      await data.devices.get(id);
      const now = Date.now();
      const credential = await data.deviceCredentials.create(await credentialFrom(id, c.req.valid("json"), now), now);
      await audit(c, { action: "device.credential_added", targetType: "device", targetId: id, outcome: "success", details: { credentialId: credential.id, type: credential.type, fingerprint: credential.fingerprint } });
      // The hub caches a device's keys: drop them so the new one works at once.
      await credentialChanged(c, { kind: "device", id, change: "updated" });
      return c.json(credential, 201);
    },
  )
  .get(
    "/",
    doc({ summary: "List a device's keys and certificates", description: "Active and revoked, oldest first.", tags, ok: { schema: z.object({ items: z.array(DeviceCredential) }) }, errors: [404] }),
    requireRole("VIEWER"),
    validate("param", IdParam),
    async (c) => {
      const { id } = c.req.valid("param");
      await c.get("data").devices.get(id);
      return c.json({ items: await c.get("data").deviceCredentials.list(id) });
    },
  )
  .delete(
    "/:credentialId",
    doc({ summary: "Revoke a device key or certificate", description: "Stops working at once: connections that used it are closed (DISCONNECT 0x98). The row stays, marked revoked.", tags, ok: { status: 204, description: "Revoked" }, errors: [404] }),
    requireRole("MEMBER"),
    validate("param", DeviceCredentialParams),
    async (c) => {
      const { id, credentialId } = c.req.valid("param");
      const revoked = await c.get("data").deviceCredentials.revoke(id, credentialId);
      if (!revoked) throw notFound("device credential");
      await audit(c, { action: "device.credential_revoked", targetType: "device", targetId: id, outcome: "success", details: { credentialId } });
      await credentialChanged(c, { kind: "device", id, change: "revoked", credentialId });
      return c.body(null, 204);
    },
  );
