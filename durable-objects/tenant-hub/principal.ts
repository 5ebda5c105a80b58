import type { Principal } from "../../domain/topics";

/** Which credential a connection authenticated with, so revoking it can disconnect the client. */
export type CredentialRef = {
  kind: "device" | "api_key" | "user";
  id: string;
  /** A device that connected with a registered key or certificate: which one (absent for the device secret). */
  credentialId?: string;
};

/** The ACL principal plus what the hub needs to enforce revocation. */
export type HubPrincipal = Principal & {
  credential: CredentialRef;
  /** When the authority behind an application credential ends by itself (an API key's expiry): the connection ends then. */
  validUntil?: number;
};
