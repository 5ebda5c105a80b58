/**
 * CONNECT authentication against the registry (D1), with a small cache so a fleet reconnecting
 * does not cost one D1 read per device each time. The API invalidates entries when credentials
 * change (rotation, deletion, revocation), so a changed credential stops working at once.
 *
 *   devices:      username = device id, password = device secret, client id = device id
 *   applications: username = "api", password = an API key or a user/vended JWT
 */
import type { HealthPolicy } from "../../domain/health/policy";
import { authoritiesOf, presentedKeyAuthority, tokenAuthority, type Authority, type AuthorityLoss, type CredentialRef as ApplicationCredential } from "../../domain/auth/authority";
import { parseApiKey, secretMatches } from "../../domain/auth/credentials";
import { deviceTokenAudience } from "../../domain/auth/device-jwt";
import { looksLikeJwt, verifyAccessToken } from "../../domain/auth/tokens";
import { openRegistry } from "../../domain/data/db";
import type { DeviceAuthRecord } from "../../domain/data/repos/devices";
import { forTenant, type TenantData } from "../../domain/data/tenant-scope";
import { expandMountpoint, validateMountpoint } from "../../domain/topics";
import { DeviceKeyring } from "./device-credentials";
import type { AuthOutcome, ConnectCredentials } from "./effects";
import type { HubPrincipal } from "./principal";

const DEVICE_CACHE_MS = 5 * 60_000;
const utf8 = new TextDecoder();

type CachedDevice = { record: DeviceAuthRecord | null; mountpointTemplate: string | null; profileHealth: HealthPolicy | null; at: number };

const APPLICATION_USERNAME = "api";

type ApplicationAuth = Extract<Authority, { ok: true }> | Extract<AuthOutcome, { ok: false }>;

const AUTHORITY_LOST: Record<AuthorityLoss, string> = {
  not_an_api_key: "not an API key or token",
  unknown_key: "invalid, expired or revoked API key",
  wrong_secret: "invalid, expired or revoked API key",
  key_expired: "invalid, expired or revoked API key",
  not_a_member: "no longer a member",
  creator_lost_authority: "the key's creator no longer has the authority behind it",
};

export class Authenticator {
  private readonly devices = new Map<string, CachedDevice>();
  private readonly data: TenantData;
  /** Registered device keys and certificates (device-signed JWTs, mTLS). */
  private readonly keyring: DeviceKeyring;

  constructor(
    private readonly env: Env,
    private readonly tenantId: string,
  ) {
    this.data = forTenant(openRegistry(env.REGISTRY), tenantId);
    this.keyring = new DeviceKeyring(this.data, deviceTokenAudience(tenantId, env.PLATFORM_DOMAIN));
  }

  forget(deviceId?: string): void {
    if (deviceId) this.devices.delete(deviceId);
    else this.devices.clear();
    this.keyring.forget(deviceId);
  }

  async device(deviceId: string): Promise<CachedDevice> {
    const cached = this.devices.get(deviceId);
    if (cached && Date.now() - cached.at < DEVICE_CACHE_MS) return cached;
    const record = await this.data.devices.authRecord(deviceId);
    const profile = record?.profileId ? await this.data.profiles.find(record.profileId) : null;
    const entry = { record, mountpointTemplate: profile?.mountpoint ?? null, profileHealth: profile?.health ?? null, at: Date.now() };
    this.devices.set(deviceId, entry);
    return entry;
  }

  async authenticate(c: ConnectCredentials): Promise<AuthOutcome> {
    if (c.clientCertificate && c.username !== APPLICATION_USERNAME) {
      const proof = await this.keyring.certificate(c.clientCertificate);
      if (proof && !proof.ok) return proof;
      if (proof)
        return c.username && c.username !== proof.deviceId ? { ok: false, reason: "bad_credentials", detail: "the username is not the device of this client certificate" } : this.admitDevice(proof.deviceId, c.clientId, proof.credentialId);
      // The zone's CA may sign certificates this tenant never registered: then the password decides.
      if (!c.password) return { ok: false, reason: "bad_credentials", detail: "the client certificate is not registered in this tenant" };
    }
    if (!c.username) return { ok: false, reason: "bad_credentials", detail: "a username is required" };
    if (!c.password) return { ok: false, reason: "bad_credentials", detail: "a password is required" };
    const password = utf8.decode(c.password);
    return c.username === APPLICATION_USERNAME ? this.application(c.clientId, password, c.assignedClientId) : this.deviceLogin(c.username, password, c.clientId);
  }

  private mountpoint(template: string | null | undefined, clientId: string, username: string): { ok: true; mountpoint: string } | { ok: false } {
    if (!template) return { ok: true, mountpoint: "" };
    const expanded = expandMountpoint(template, { tenant: this.tenantId, clientId, username });
    if (!expanded.ok || !validateMountpoint(expanded.mountpoint, this.tenantId).ok) return { ok: false };
    return { ok: true, mountpoint: expanded.mountpoint };
  }

  private async deviceLogin(deviceId: string, secret: string, clientId: string): Promise<AuthOutcome> {
    const { record } = await this.device(deviceId);
    if (!record) return { ok: false, reason: "bad_credentials", detail: "unknown device or wrong secret" };
    // A device secret never contains dots; a password shaped like a JWT is a device-signed token.
    if (looksLikeJwt(secret)) {
      const proof = await this.keyring.verifyToken(deviceId, secret);
      return proof.ok ? this.admitDevice(deviceId, clientId, proof.credentialId) : proof;
    }
    if (!(await secretMatches(secret, record.secretHash))) return { ok: false, reason: "bad_credentials", detail: "unknown device or wrong secret" };
    return this.admitDevice(deviceId, clientId);
  }

  /** A device whose credential (secret, key or certificate) checked out: may it connect, and as what? */
  private async admitDevice(deviceId: string, clientId: string, credentialId?: string): Promise<AuthOutcome> {
    const { record, mountpointTemplate, profileHealth } = await this.device(deviceId);
    if (!record) return { ok: false, reason: "bad_credentials", detail: "unknown device" };
    if (record.disabled) return { ok: false, reason: "not_authorized", detail: "the device is disabled" };
    // One device cannot take over another's session: the client id is the device id.
    if (clientId !== record.id) return { ok: false, reason: "client_id_invalid", detail: "a device must connect with its device id as client id" };
    const mp = this.mountpoint(mountpointTemplate, clientId, deviceId);
    if (!mp.ok) return { ok: false, reason: "not_authorized", detail: "the device profile's mountpoint is not valid" };
    const principal: HubPrincipal = {
      kind: "device",
      tenant: this.tenantId,
      deviceId: record.id,
      deviceType: record.type,
      children: record.children,
      credential: { kind: "device", id: record.id, ...(credentialId ? { credentialId } : {}) },
    };
    return { ok: true, principal, mountpoint: mp.mountpoint, health: { profileId: record.profileId, profilePolicy: profileHealth, devicePolicy: record.healthPolicy } };
  }

  private async application(clientId: string, password: string, assigned: boolean): Promise<AuthOutcome> {
    const resolved = looksLikeJwt(password) ? await this.fromJwt(password) : await this.fromApiKey(password);
    if (!resolved.ok) return resolved;
    // Application client ids must not collide with a device id: a device's session is its own.
    if (!assigned && (await this.data.devices.exists(clientId))) return { ok: false, reason: "client_id_invalid", detail: "that client id belongs to a device" };
    const mp = this.mountpoint(resolved.mountpoint, clientId, APPLICATION_USERNAME);
    if (!mp.ok) return { ok: false, reason: "not_authorized", detail: "the key's mountpoint is not valid" };
    const principal: HubPrincipal = { kind: "application", tenant: this.tenantId, role: resolved.role, clientId, credential: resolved.credential, ...(resolved.expiresAt !== null ? { validUntil: resolved.expiresAt } : {}) };
    return { ok: true, principal, mountpoint: mp.mountpoint };
  }

  /** The current authority of application credentials, when the API says a user or key changed (reauthorize.ts). */
  authorities(credentials: ApplicationCredential[]): Promise<Map<string, Authority>> {
    return authoritiesOf(this.data, credentials);
  }

  private async fromJwt(token: string): Promise<ApplicationAuth> {
    const claims = await verifyAccessToken(this.env, token);
    if (!claims) return { ok: false, reason: "bad_credentials", detail: "invalid or expired token" };
    if (claims.tid !== this.tenantId) return { ok: false, reason: "not_authorized", detail: "the token is for another tenant" };
    const authority = await tokenAuthority(this.data, claims);
    // The token itself verified: what is gone is the authority behind it (membership, key, key's creator).
    return authority.ok ? authority : { ok: false, reason: "not_authorized", detail: AUTHORITY_LOST[authority.reason] };
  }

  private async fromApiKey(key: string): Promise<ApplicationAuth> {
    const parsed = parseApiKey(key);
    if (!parsed) return { ok: false, reason: "bad_credentials", detail: "not an API key or token" };
    if (parsed.tenantId !== this.tenantId) return { ok: false, reason: "not_authorized", detail: "the API key is for another tenant" };
    const authority = await presentedKeyAuthority(this.data, key);
    if (authority.ok) return authority;
    // A key whose creator lost authority is a valid secret without rights; the rest are bad credentials.
    return { ok: false, reason: authority.reason === "creator_lost_authority" ? "not_authorized" : "bad_credentials", detail: AUTHORITY_LOST[authority.reason] };
  }
}
