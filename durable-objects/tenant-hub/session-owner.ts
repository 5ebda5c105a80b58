/**
 * A session belongs to the credential that created it (a device, a user, or an API key together
 * with the tokens vended from it). Another credential presenting the same client id is refused at
 * CONNECT (0x85, v3: 2), rather than given a fresh session: a fresh session would still kick the
 * owner off (0x8E) and discard its subscriptions and queued messages, which a weaker credential
 * must not be able to do. The session ends the usual ways (clean start or expiry by its owner)
 * or when its credential loses its authority (reauthorize.ts), which frees the client id.
 */
import type { Broker } from "./broker";

type CredentialLike = { kind: string; id: string };

/** Same credential: kind and id (a device's several secrets, keys and certificates are one device). */
export const sameCredential = (a: CredentialLike | null | undefined, b: CredentialLike) => a?.kind === b.kind && a.id === b.id;

/** True when `clientId` has a live connection or a stored session that another credential owns. */
export function ownedByAnother(broker: Broker, clientId: string, credential: CredentialLike): boolean {
  const owner = broker.connections.get(clientId)?.state.principal?.credential ?? broker.sessions.ownerOf(clientId);
  return owner !== null && owner !== undefined && !sameCredential(owner, credential);
}
