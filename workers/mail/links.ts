/** Links the platform mails, on the origin the request came in on (the platform or a tenant's host). */
export const invitationLink = (requestUrl: string, token: string) => `${new URL(requestUrl).origin}/accept-invitation#token=${token}`;
export const verifyEmailLink = (requestUrl: string, token: string) => `${new URL(requestUrl).origin}/verify-email#token=${token}`;
