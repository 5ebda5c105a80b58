/** The mail interface: the dev outbox exists only when configured, and invitations need a transport. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { invitationMail } from "../../domain/mail/messages";
import { app } from "../../workers/app";
import { httpMailer } from "../../workers/mail/mailer";
import { api, expectOk, signup, unique } from "./helpers";

/** The Worker's app with the environment a deployment has: no dev outbox, no mail API. */
async function deployed(method: string, path: string, init: { token?: string; body?: unknown } = {}) {
  const ctx = createExecutionContext();
  const headers: Record<string, string> = init.token ? { authorization: `Bearer ${init.token}` } : {};
  if (init.body) headers["content-type"] = "application/json";
  const res = await app.fetch(new Request(`http://localhost${path}`, { method, headers, body: init.body ? JSON.stringify(init.body) : undefined }), { ...env, DEV_MAIL_OUTBOX: "false", MAIL_API_URL: "" }, ctx);
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as any };
}

afterEach(() => vi.restoreAllMocks());

describe("mail", () => {
  it("the dev outbox is a 404 where DEV_MAIL_OUTBOX is not set, as in a deployment", async () => {
    expect((await api("GET", "/api/v1/dev/outbox")).status).toBe(200);
    const r = await deployed("GET", "/api/v1/dev/outbox");
    expect(r.status).toBe(404);
  });

  it("without a mail transport an invitation is refused with 503 and nothing is created", async () => {
    const t = await signup();
    const r = await deployed("POST", "/api/v1/invitations", { token: t.ownerToken, body: { email: `${unique("nomail")}@example.com`, role: "VIEWER" } });
    expect(r.status).toBe(503);
    expect(r.body.detail).toMatch(/MAIL_API_URL/);
    expect((await expectOk(api("GET", "/api/v1/invitations", { token: t.ownerToken }))).items).toEqual([]);
  });

  it("the HTTP transport posts from, to, subject and text with the bearer token, and fails on a non-2xx answer", async () => {
    const seen: { url: string; auth: string | null; body: unknown }[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const req = new Request(input as RequestInfo, init);
      seen.push({ url: req.url, auth: req.headers.get("authorization"), body: await req.json() });
      return new Response("{}", { status: seen.length === 1 ? 200 : 500 });
    });
    const mailer = httpMailer("https://mail.test/emails", "secret-token", "Skylark <no-reply@skylark.test>");
    const message = invitationMail("dana@example.com", "https://x.test/accept-invitation#token=inv_x", "Acme", "ADMIN");
    await mailer.send(message);
    expect(seen[0]).toEqual({ url: "https://mail.test/emails", auth: "Bearer secret-token", body: { from: "Skylark <no-reply@skylark.test>", to: "dana@example.com", subject: message.subject, text: message.text } });
    await expect(mailer.send(message)).rejects.toThrow(/500/);
  });
});
