/**
 * The client certificate Cloudflare verified at the edge (mTLS), as the Worker hands it to the
 * tenant's hub. Cloudflare terminates TLS, so the Worker learns about the certificate only from
 * `request.cf.tlsClientAuth`; it forwards the verified fingerprint in a header that it always
 * strips from the client's request first, so only the Worker can set it.
 */
import { z } from "zod";

export const CLIENT_CERTIFICATE_HEADER = "x-skylark-client-cert-sha256";

const Fingerprint = z
  .string()
  .transform((s) => s.toLowerCase().replaceAll(":", ""))
  .pipe(z.string().regex(/^[0-9a-f]{64}$/));

/** `request.cf.tlsClientAuth` as far as we read it; Cloudflare reports flags as strings. */
const TlsClientAuth = z.object({
  certPresented: z.string().optional(),
  certVerified: z.string().optional(),
  certRevoked: z.string().optional(),
  certFingerprintSHA256: z.string().optional(),
});

/**
 * The SHA-256 fingerprint (lowercase hex) of a certificate the edge presented *and* verified
 * against the zone's CA (and did not find revoked); null for anything less.
 */
export function verifiedClientCertificate(cf: unknown): string | null {
  const auth = TlsClientAuth.safeParse((cf as { tlsClientAuth?: unknown } | undefined)?.tlsClientAuth);
  if (!auth.success) return null;
  const a = auth.data;
  if (a.certPresented !== "1" || a.certVerified !== "SUCCESS" || a.certRevoked === "1") return null;
  const fp = Fingerprint.safeParse(a.certFingerprintSHA256);
  return fp.success ? fp.data : null;
}

/** The fingerprint as the hub receives it from the Worker, or null when absent or malformed. */
export function forwardedClientCertificate(value: string | null): string | null {
  if (!value) return null;
  const fp = Fingerprint.safeParse(value);
  return fp.success ? fp.data : null;
}
