import { z } from "zod";
import { DnsRecord } from "../domains/verification";
import { Timestamp } from "./common";

const DomainStatus = z.enum(["pending", "active", "failed"]);

export const Domain = z.object({
  hostname: z.string(),
  status: DomainStatus,
  failureReason: z.string().nullable(),
  verifiedAt: Timestamp.nullable(),
  /** What to put in DNS: the CNAME to the platform, the `_skylark-challenge` TXT token, and Cloudflare's own records when it asks for them. */
  dnsRecords: z.array(DnsRecord),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Domain = z.infer<typeof Domain>;

/** The hostname as typed; the handler normalizes it (lowercase, IDNA, no trailing dot) and explains refusals. */
export const CreateDomain = z.strictObject({ hostname: z.string().min(1).max(253) });
export const HostnameParam = z.object({ hostname: z.string().min(1).max(253) });

export const VerificationResult = z.object({
  domain: Domain,
  checks: z.object({
    cname: z.object({ ok: z.boolean(), expected: z.string(), found: z.array(z.string()) }),
    txt: z.object({ ok: z.boolean(), name: z.string(), recordsFound: z.number() }),
    cloudflare: z.object({ ok: z.boolean(), status: z.string(), sslStatus: z.string(), errors: z.array(z.string()) }),
  }),
});
