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
 * The registry is read in a batch (authoritiesOf: the keys in one query, each creator once,
 * concurrently), then the results are applied in one synchronous pass.
 */
import { credentialKey, type Authority, type CredentialRef } from "../../domain/auth/authority";
import { ReasonCode } from "../../domain/mqtt";
import type { Broker } from "./broker";
import type { HubPrincipal } from "./principal";
import { sameCredential } from "./session-owner";

/** Resolves many credentials at once (Authenticator.authorities), keyed by `credentialKey`. */
type ResolveAll = (credentials: CredentialRef[]) => Promise<Map<string, Authority>>;

export async function reauthorizeApplications(broker: Broker, resolveAll: ResolveAll): Promise<{ disconnected: number; ended: number }> {
  const sessionsBefore = applicationPrincipals(broker);
  const authorities = await resolveAll([...sessionsBefore.values()].map(credentialOf));

  // Applied without awaiting anything, on the hub's state as it is now: a client id may have been
  // taken over, or connected anew, while the registry was read.
  let disconnected = 0;
  let ended = 0;
  for (const [clientId, principal] of applicationPrincipals(broker)) {
    const credential = credentialOf(principal);
    const authority = authorities.get(credentialKey(credential));
    if (!authority || (authority.ok && authority.role === principal.role)) continue;
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

type ApplicationPrincipal = Extract<HubPrincipal, { kind: "application" }> & { credential: { kind: "user" | "api_key" } };

/** Every application client id, online (its connection's principal) or offline (its session's). */
function applicationPrincipals(broker: Broker): Map<string, ApplicationPrincipal> {
  const principals = new Map<string, ApplicationPrincipal>();
  const add = (clientId: string, p: HubPrincipal | null | undefined) => {
    if (p?.kind === "application" && p.credential.kind !== "device") principals.set(clientId, p as ApplicationPrincipal);
  };
  for (const s of broker.sessions.applicationSessions()) add(s.clientId, s.principal);
  for (const [clientId, conn] of broker.connections) add(clientId, conn.state.principal);
  return principals;
}

const credentialOf = (p: ApplicationPrincipal): CredentialRef => ({ kind: p.credential.kind, id: p.credential.id });
