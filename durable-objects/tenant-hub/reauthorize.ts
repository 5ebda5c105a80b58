/**
 * The API changed a user's or an API key's authority (role change, removal, revocation). Whose
 * rights that touches is not just that credential's: keys take their authority from their
 * creator, and keys created by keys from that key. So every application session, online or
 * offline, is re-resolved with the resolver CONNECT uses (domain/auth/authority.ts):
 *
 *   authority lost   → the connection is closed (DISCONNECT 0x98) and the session ends, so its
 *                      queue stops growing and its client id is free for a replacement credential;
 *   role changed     → the connection is closed (0x98); the session stays, and reconnecting
 *                      gets the new role (CONNECT drops subscriptions it may no longer hold);
 *   unchanged        → nothing happens.
 *
 * Application sessions are few next to devices', and changes of authority are rare: one registry
 * read per distinct credential (and its creators) per change.
 */
import type { Authority, CredentialRef } from "../../domain/auth/authority";
import { ReasonCode } from "../../domain/mqtt";
import type { Broker } from "./broker";
import type { HubPrincipal } from "./principal";
import { sameCredential } from "./session-owner";

type Resolve = (credential: CredentialRef) => Promise<Authority>;


export async function reauthorizeApplications(broker: Broker, resolve: Resolve): Promise<{ disconnected: number; ended: number }> {
  const principals = new Map<string, HubPrincipal>();
  for (const s of broker.sessions.applicationSessions()) principals.set(s.clientId, s.principal);
  for (const [clientId, conn] of broker.connections) {
    if (conn.state.principal?.kind === "application") principals.set(clientId, conn.state.principal);
  }

  const resolved = new Map<string, Promise<Authority>>();
  let disconnected = 0;
  let ended = 0;
  for (const [clientId, principal] of principals) {
    if (principal.kind !== "application" || principal.credential.kind === "device") continue;
    const credential: CredentialRef = { kind: principal.credential.kind, id: principal.credential.id };
    const key = `${credential.kind}:${credential.id}`;
    let pending = resolved.get(key);
    if (!pending) resolved.set(key, (pending = resolve(credential)));
    const authority = await pending;
    if (authority.ok && authority.role === principal.role) continue;

    // Re-read after the await: the client id may have been taken over or ended meanwhile.
    const conn = broker.connections.get(clientId);
    if (conn && sameCredential(conn.state.principal?.credential, credential)) {
      conn.close(ReasonCode.AdministrativeAction, authority.ok ? `role changed to ${authority.role}` : "the credential lost its authority");
      broker.connectionLost(conn, { graceful: false });
      disconnected++;
    }
    if (!authority.ok && sameCredential(broker.sessions.ownerOf(clientId), credential)) {
      broker.endSession(clientId);
      ended++;
    }
  }
  if (ended > 0) broker.effects.reschedule();
  return { disconnected, ended };
}
