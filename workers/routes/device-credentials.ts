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
import { AppError, notFound } from "../../domain/errors";
import { DeviceId } from "../../domain/ids";
import { CreateDeviceCredential, DeviceCredential, DeviceCredentialParams, RotationRequest, RotationRequestResult, type CreateDeviceCredential as CreateInput, type NewDeviceCredential } from "../../domain/schemas/device-credentials";
import { deviceTopic } from "../../domain/topics";
import { hubFor } from "../control-plane/residency";
import type { AppEnv } from "../http/app-env";
import { audit } from "../http/audit";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { credentialChanged } from "../http/hub-notify";
import { validate } from "../http/validate";
import { errorFields } from "../../domain/log";
import { requestLog } from "../http/log";

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
      description:
        "`type: jwk` registers a public key (ES256 or EdDSA) the device signs its MQTT password tokens with; `type: certificate` registers an X.509 certificate (PEM) the device presents in mTLS. At most two active credentials per device (409 beyond).",
      tags,
      ok: { status: 201, schema: DeviceCredential },
      errors: [400, 404, 409],
    }),
    requireRole("MEMBER"),
    validate("param", IdParam),
    validate("json", CreateDeviceCredential),
    async (c) => {
      const { id } = c.req.valid("param");
      const input = c.req.valid("json");
      const data = c.get("data");
      await data.devices.get(id);
      if (input.replaces && !(await data.deviceCredentials.active(id, input.replaces))) throw invalid("body.replaces", "not an active credential of this device");
      const now = Date.now();
      const credential = await data.deviceCredentials.create({ ...(await credentialFrom(id, input, now)), replacesId: input.replaces ?? null }, now);
      await audit(c, {
        action: "device.credential_added",
        targetType: "device",
        targetId: id,
        outcome: "success",
        details: { credentialId: credential.id, type: credential.type, fingerprint: credential.fingerprint, ...(input.replaces ? { replaces: input.replaces } : {}) },
      });
      // The hub caches a device's keys: drop them so the new one works at once.
      await credentialChanged(c, { kind: "device", id, change: "updated" });
      return c.json(credential, 201);
    },
  )
  .post(
    "/rotation-request",
    doc({
      summary: "Ask a device to rotate a credential",
      description:
        "Publishes `{credentialRotation: {replaces, type, fingerprint, notAfter, reason, requestedAt}}` (QoS 1, not retained) on the device's `attributes/set` topic. The device makes a new key or certificate, which is registered with `replaces`; the hub revokes the old one when the device first connects with the new one.",
      tags,
      ok: { schema: RotationRequestResult },
      errors: [400, 404],
    }),
    requireRole("MEMBER"),
    validate("param", IdParam),
    validate("json", RotationRequest),
    async (c) => {
      const { id } = c.req.valid("param");
      const { replaces, reason } = c.req.valid("json");
      const tenant = c.get("tenant");
      const current = await c.get("data").deviceCredentials.active(id, replaces);
      if (!current) throw notFound("active device credential");
      const topic = deviceTopic(tenant.id, id, "attributes/set");
      const message = { credentialRotation: { replaces, type: current.type, fingerprint: current.fingerprint, notAfter: current.notAfter, reason: reason ?? null, requestedAt: Date.now() } };
      let published = true;
      try {
        // Not retained: the desired-attributes document stays the retained message on this topic.
        await hubFor(c.env, tenant).publishFromPlatform(tenant.id, { topic, payload: JSON.stringify(message), qos: 1, retain: false });
      } catch (err) {
        published = false;
        requestLog(c, "device-credentials").error("rotation request publish failed", errorFields(err));
      }
      await audit(c, { action: "device.credential_rotation_requested", targetType: "device", targetId: id, outcome: published ? "success" : "failure", details: { replaces } });
      return c.json({ published, topic, message });
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
    doc({
      summary: "Revoke a device key or certificate",
      description: "Stops working at once: connections that used it are closed (DISCONNECT 0x98). The row stays, marked revoked.",
      tags,
      ok: { status: 204, description: "Revoked" },
      errors: [404],
    }),
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
