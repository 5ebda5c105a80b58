/** GET /auth/workspaces and POST /auth/switch: a user's tenants, and a token for another of them. */
import { Hono } from "hono";
import { AppError } from "../../../domain/errors";
import { SwitchTenant, TokenResponse, WorkspaceList } from "../../../domain/schemas/identity";
import type { AppEnv } from "../../http/app-env";
import { doc } from "../../http/doc";
import { validate } from "../../http/validate";
import { bearerUser, refuseUnlessOpen, userToken } from "./session";

const tags = ["auth"];

export const workspaceRoutes = new Hono<AppEnv>()
  .get("/workspaces", doc({ summary: "List the tenants the current user belongs to", tags, ok: { schema: WorkspaceList }, errors: [401] }), async (c) => c.json({ items: await c.get("platform").users.workspaces(await bearerUser(c)) }))
  .post(
    "/switch",
    doc({ summary: "Get a token for another of the user's tenants", description: "The tenant becomes where the user's next login without `tenant` lands.", tags, ok: { schema: TokenResponse }, errors: [400, 401, 403, 404] }),
    validate("json", SwitchTenant),
    async (c) => {
      const userId = await bearerUser(c);
      const wanted = c.req.valid("json").tenant;
      const users = c.get("platform").users;
      const workspace = (await users.workspaces(userId)).find((w) => w.tenant.id === wanted);
      if (!workspace) throw new AppError("not_found", "tenant not found");
      refuseUnlessOpen(c, workspace.tenant);
      await users.setLastTenant(userId, workspace.tenant.id);
      return c.json(await userToken(c, userId, workspace.tenant.id, workspace.role));
    },
  );
