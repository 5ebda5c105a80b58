/** Where a tenant's objects live in R2. Everything a tenant owns sits under its own prefix, so offboarding can find, export and delete it by prefix. */
export const firmwarePrefix = (tenantId: string) => `tenants/${tenantId}/`;
