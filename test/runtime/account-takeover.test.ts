/**
 * The account-takeover paths of issue 10, tried as an attacker would: each test failed on the
 * code before the fix (invitation acceptance joined an existing account without proof; a
 * pre-registered address stayed the squatter's; logins landed in the first workspace by id).
 */
import { describe, expect, it } from "vitest";
import { api, expectOk, invite, lastMail, linkToken, OPERATOR_TOKEN, signup, unique, type TenantFixture } from "./helpers";

const verify = async (email: string, kind = "email_verification") => expectOk(api("POST", "/api/v1/auth/verify-email", { body: { token: linkToken(await lastMail(email, kind)) } }));
const login = (email: string, password: string, tenant?: string) => api("POST", "/api/v1/auth/login", { body: { email, password, ...(tenant ? { tenant } : {}) } });
const signupAs = (email: string, password: string, tenantId = unique("t")) => api("POST", "/api/v1/auth/signup", { body: { email, password, tenant: { id: tenantId, name: `Tenant ${tenantId}` } } });

/** A victim whose address is verified, owning a tenant. */
async function verifiedVictim(): Promise<TenantFixture> {
  const victim = await signup(unique("victim"));
  await verify(victim.email);
  return victim;
}

describe("invitation acceptance is bound to the invited account", () => {
  it("an attacker who invites a victim's address cannot accept for the victim's existing account", async () => {
    const victim = await verifiedVictim();
    const attacker = await signup(unique("attacker"));
    // Worst case: the attacker got hold of the token (it is mailed to the victim only).
    const token = await invite(attacker.ownerToken, victim.email, "VIEWER");

    const anonymous = await api("POST", "/api/v1/auth/invitations/accept", { body: { token } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).not.toHaveProperty("token");
    const withNewPassword = await api("POST", "/api/v1/auth/invitations/accept", { body: { token, password: "attacker chosen password" } });
    expect(withNewPassword.status).toBe(401);
    expect(withNewPassword.body.code).toBe("invalid_credentials");
    const asAttacker = await api("POST", "/api/v1/auth/invitations/accept", { token: attacker.ownerToken, body: { token } });
    expect(asAttacker.status).toBe(403);

    // The victim's account did not join, and nobody can switch into the victim's tenant with it.
    const attackerMembers = await expectOk(api("GET", "/api/v1/members", { token: attacker.ownerToken }));
    expect(attackerMembers.items.map((m: { userId: string }) => m.userId)).not.toContain(victim.ownerId);
    expect((await api("POST", "/api/v1/auth/switch", { token: attacker.ownerToken, body: { tenant: victim.tenantId } })).status).toBe(404);

    // The victim can still accept, logged in, and the invitation was not burnt by the attempts.
    const accepted = await expectOk(api("POST", "/api/v1/auth/invitations/accept", { token: victim.ownerToken, body: { token } }));
    expect(accepted).toMatchObject({ tenant: attacker.tenantId, role: "VIEWER" });
  });

  it("an existing account may accept with its own password instead of a session", async () => {
    const victim = await verifiedVictim();
    const inviter = await signup();
    const token = await invite(inviter.ownerToken, victim.email, "MEMBER");
    const accepted = await expectOk(api("POST", "/api/v1/auth/invitations/accept", { body: { token, password: victim.password } }));
    expect(accepted).toMatchObject({ tenant: inviter.tenantId, role: "MEMBER" });
    const members = await expectOk(api("GET", "/api/v1/members", { token: inviter.ownerToken }));
    expect(members.items.map((m: { userId: string }) => m.userId)).toContain(victim.ownerId);
  });
});

describe("pre-registered addresses (squatting)", () => {
  it("a squatter's account of an address is taken over by the invited owner: the squatter's password and tokens stop working", async () => {
    const alice = `${unique("alice")}@corp.example`;
    const squat = await expectOk(signupAs(alice, "squatter password 1"), 201);
    expect(squat.user.emailVerified).toBe(false);
    const team = await signup();
    const token = await invite(team.ownerToken, alice, "ADMIN");
    const accepted = await expectOk(api("POST", "/api/v1/auth/invitations/accept", { body: { token, password: "alice's own password" } }));
    expect(accepted).toMatchObject({ tenant: team.tenantId, role: "ADMIN" });

    expect((await login(alice, "squatter password 1")).status).toBe(401);
    expect((await api("GET", "/api/v1/tenant", { token: squat.token.token })).status).toBe(401);
    const mine = await expectOk(login(alice, "alice's own password"));
    expect(mine.emailVerified).toBe(true);
    // Alice lands where she accepted to work, and her account is not the squatter's.
    expect(mine.tenant).toBe(team.tenantId);
    const members = await expectOk(api("GET", "/api/v1/members", { token: team.ownerToken }));
    const joined = members.items.find((m: { email: string }) => m.email === alice);
    expect(joined.userId).not.toBe(squat.user.id);
  });

  it("signing up with an address someone squatted lets the real owner reclaim it by verifying", async () => {
    const alice = `${unique("alice")}@corp.example`;
    const squat = await expectOk(signupAs(alice, "squatter password 2"), 201);
    const real = await expectOk(signupAs(alice, "the real alice password"), 201);
    expect(real.user.id).not.toBe(squat.user.id);
    expect(real.token.role).toBe("OWNER");

    const verified = await verify(alice);
    expect(verified.user).toMatchObject({ id: real.user.id, emailVerified: true });
    expect((await login(alice, "squatter password 2")).status).toBe(401);
    expect((await api("GET", "/api/v1/tenant", { token: squat.token.token })).status).toBe(401);
    const mine = await expectOk(login(alice, "the real alice password"));
    expect(mine.tenant).toBe(real.tenant.id);
  });

  it("an unverified account is never made owner of another tenant: the operator's owner is invited by mail", async () => {
    const bob = `${unique("bob")}@corp.example`;
    await expectOk(signupAs(bob, "bob unverified password"), 201);
    const id = unique("opt");
    const created = await expectOk(api("POST", "/api/v1/admin/tenants", { token: OPERATOR_TOKEN, body: { id, name: "Operator made", ownerEmail: bob } }), 201);
    expect(created.invitation).toMatchObject({ email: bob, delivery: "mailed" });
    // Bob's unverified login does not reach the new tenant until he accepts the mailed invitation.
    expect((await login(bob, "bob unverified password", id)).status).toBe(401);
  });

  it("an unverified account's own session accepting the mailed invitation verifies it", async () => {
    const carol = `${unique("carol")}@corp.example`;
    const own = await expectOk(signupAs(carol, "carol password"), 201);
    const team = await signup();
    const token = await invite(team.ownerToken, carol, "MEMBER");
    const accepted = await expectOk(api("POST", "/api/v1/auth/invitations/accept", { token: own.token.token, body: { token } }));
    expect(accepted.tenant).toBe(team.tenantId);
    expect((await expectOk(login(carol, "carol password"))).emailVerified).toBe(true);
  });
});

describe("signup and login answers", () => {
  it("signup answers alike whether or not the address has an account, and tells the difference only by mail", async () => {
    const known = await verifiedVictim();
    const unknownEmail = `${unique("fresh")}@example.com`;
    const a = await signupAs(known.email, "not the owner's password");
    const b = await signupAs(unknownEmail, "not the owner's password");
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(Object.keys(a.body).sort()).toEqual(Object.keys(b.body).sort());
    expect(Object.keys(a.body.user).sort()).toEqual(Object.keys(b.body.user).sort());
    expect(a.body.user).toMatchObject({ email: known.email, emailVerified: false });
    expect(a.body.user.id).not.toBe(known.ownerId);
    // The known address is told that someone used it; the new one gets a plain confirmation.
    expect((await lastMail(known.email)).kind).toBe("signup_known_address");
    expect((await lastMail(unknownEmail)).kind).toBe("email_verification");
    // The owner keeps their account and only their workspaces; the signup's workspace joins it
    // only if the owner follows that mail.
    expect((await expectOk(api("GET", "/api/v1/auth/workspaces", { token: known.ownerToken }))).items).toHaveLength(1);
    await verify(known.email, "signup_known_address");
    const after = await expectOk(api("GET", "/api/v1/auth/workspaces", { token: known.ownerToken }));
    expect(after.items.map((w: { tenant: { id: string } }) => w.tenant.id).sort()).toEqual([known.tenantId, a.body.tenant.id].sort());
  });

  it("a login without tenant lands on the last-used or own workspace, never the first by id", async () => {
    const user = await signup(unique("zz-own"));
    await verify(user.email);
    const other = await signup(unique("aa-other"));
    const token = await invite(other.ownerToken, user.email, "VIEWER");
    await expectOk(api("POST", "/api/v1/auth/invitations/accept", { token: user.ownerToken, body: { token } }));
    expect((await expectOk(login(user.email, user.password))).tenant).toBe(user.tenantId);
    // Choosing a workspace makes it the landing one, until the user chooses again.
    await expectOk(login(user.email, user.password, other.tenantId));
    expect((await expectOk(login(user.email, user.password))).tenant).toBe(other.tenantId);
    await expectOk(api("POST", "/api/v1/auth/switch", { token: user.ownerToken, body: { tenant: user.tenantId } }));
    expect((await expectOk(login(user.email, user.password))).tenant).toBe(user.tenantId);
  });

  it("verification links are single-use and resend mails a fresh one", async () => {
    const t = await signup();
    const first = linkToken(await lastMail(t.email, "email_verification"));
    const resent = await expectOk(api("POST", "/api/v1/auth/verify-email/resend", { token: t.ownerToken }), 202);
    expect(resent.sentTo).toBe(t.email);
    const second = linkToken(await lastMail(t.email, "email_verification"));
    expect(second).not.toBe(first);
    await expectOk(api("POST", "/api/v1/auth/verify-email", { body: { token: first } }));
    expect((await api("POST", "/api/v1/auth/verify-email", { body: { token: first } })).status).toBe(401);
    expect((await api("POST", "/api/v1/auth/verify-email/resend", { token: t.ownerToken })).status).toBe(409);
    expect((await api("POST", "/api/v1/auth/verify-email", { body: { token: "ver_not-a-token" } })).status).toBe(401);
  });
});
