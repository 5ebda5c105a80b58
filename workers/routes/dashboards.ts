/**
 * Dashboards: list, read, create, replace, delete, export and import tenant dashboards
 * (domain/schemas/dashboards.ts). Every version has an ETag (`"<version>"`); a replace must name
 * the version it was made from (If-Match) and fails with 412 when someone saved in between, so
 * two editors never silently overwrite each other.
 */
import type { Context } from "hono";
import { z } from "zod";
import { AppError } from "../../domain/errors";
import { ResourceId } from "../../domain/ids";
import { page, PageQuery } from "../../domain/schemas/common";
import { Dashboard, DashboardDocument, DashboardInput, DashboardSummary, documentOf, StoredDashboard } from "../../domain/schemas/dashboards";
import type { AppEnv } from "../http/app-env";
import { audit } from "../http/audit";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { tenantRouter } from "../http/tenant-router";
import { validate } from "../http/validate";

const tags = ["dashboards"];
const IdParam = z.object({ id: ResourceId });

/** The ETag of a dashboard version. */
const etagOf = (version: number) => `"${version}"`;
const ETAG_FORM = 'one ETag as GET returned it ("<version>"), or *';

/** The version an If-Match names: a number, `"*"` (whichever is current), or undefined when absent. */
function ifMatch(c: Context<AppEnv>): number | "*" | undefined {
  const value = c.req.header("if-match")?.trim();
  if (!value) return undefined;
  if (value === "*") return "*";
  const match = /^"(\d{1,15})"$/.exec(value);
  if (!match) throw new AppError("bad_request", `If-Match takes ${ETAG_FORM}`);
  return Number(match[1]);
}

/** If-None-Match (weak comparison, lists allowed) names the current version. */
function notModified(c: Context<AppEnv>, version: number): boolean {
  const value = c.req.header("if-none-match");
  if (!value) return false;
  return value.split(",").some((tag) => {
    const t = tag.trim().replace(/^W\//, "");
    return t === "*" || t === etagOf(version);
  });
}

/** A file name from the dashboard's name: lowercase letters, digits and dashes. */
const fileName = (name: string) =>
  `dashboard-${
    name
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "untitled"
  }.json`;

const created = (c: Context<AppEnv>, dashboard: Dashboard) => c.json(dashboard, 201, { etag: etagOf(dashboard.version), location: `/api/v1/dashboards/${dashboard.id}` });

export const dashboardRoutes = tenantRouter()
  .get(
    "/",
    doc({ summary: "List dashboards", description: "Summaries (no widgets), oldest first; pages with `cursor`.", tags, ok: { schema: page(DashboardSummary) }, errors: [400] }),
    requireRole("VIEWER"),
    validate("query", PageQuery),
    async (c) => c.json(await c.get("data").dashboards.list(c.req.valid("query"))),
  )
  .post(
    "/",
    doc({ summary: "Create a dashboard", description: "Answers with the dashboard, its `ETag` and `Location`. `schemaVersion` may be left out.", tags, ok: { status: 201, schema: Dashboard }, errors: [400] }),
    requireRole("MEMBER"),
    validate("json", DashboardInput),
    async (c) => {
      const dashboard = await c.get("data").dashboards.create(c.req.valid("json"));
      await audit(c, { action: "dashboard.create", targetType: "dashboard", targetId: dashboard.id, outcome: "success" });
      return created(c, dashboard);
    },
  )
  .post(
    "/import",
    doc({
      summary: "Import a dashboard",
      description: "Creates a new dashboard from an export (`GET /dashboards/:id/export`); older `schemaVersion`s are upgraded, then validated like a create.",
      tags,
      ok: { status: 201, schema: Dashboard },
      errors: [400],
    }),
    requireRole("MEMBER"),
    validate("json", StoredDashboard),
    async (c) => {
      const dashboard = await c.get("data").dashboards.create(c.req.valid("json"));
      await audit(c, { action: "dashboard.import", targetType: "dashboard", targetId: dashboard.id, outcome: "success" });
      return created(c, dashboard);
    },
  )
  .get(
    "/:id",
    doc({ summary: "Get a dashboard", description: 'With `ETag: "<version>"`; `If-None-Match` naming it answers 304.', tags, ok: { schema: Dashboard }, errors: [304, 404] }),
    requireRole("VIEWER"),
    validate("param", IdParam),
    async (c) => {
      const dashboard = await c.get("data").dashboards.get(c.req.valid("param").id);
      const etag = etagOf(dashboard.version);
      if (notModified(c, dashboard.version)) return c.body(null, 304, { etag });
      return c.json(dashboard, 200, { etag });
    },
  )
  .put(
    "/:id",
    doc({
      summary: "Replace a dashboard",
      description:
        "The whole document. Requires `If-Match` with the ETag the edit started from (428 `precondition_required` without it); when someone saved since, 412 `precondition_failed` names the current version (`currentVersion`) and nothing is written. `If-Match: *` replaces whichever version is current.",
      tags,
      ok: { schema: Dashboard },
      errors: [400, 404, 412, 428],
    }),
    requireRole("MEMBER"),
    validate("param", IdParam),
    validate("json", DashboardInput),
    async (c) => {
      const { id } = c.req.valid("param");
      const expected = ifMatch(c);
      if (expected === undefined) throw new AppError("precondition_required", `send If-Match with the dashboard's ETag from GET /dashboards/${id} (${ETAG_FORM}), so that changes someone else saved in the meantime are not overwritten`);
      const dashboard = await c.get("data").dashboards.replace(id, c.req.valid("json"), expected);
      await audit(c, { action: "dashboard.update", targetType: "dashboard", targetId: id, outcome: "success", details: { version: dashboard.version } });
      return c.json(dashboard, 200, { etag: etagOf(dashboard.version) });
    },
  )
  .delete(
    "/:id",
    doc({ summary: "Delete a dashboard", description: "`If-Match` is optional; naming a version that is no longer current answers 412 and deletes nothing.", tags, ok: { status: 204, description: "Deleted" }, errors: [404, 412] }),
    requireRole("MEMBER"),
    validate("param", IdParam),
    async (c) => {
      const { id } = c.req.valid("param");
      const expected = ifMatch(c);
      await c.get("data").dashboards.delete(id, expected === "*" ? undefined : expected);
      await audit(c, { action: "dashboard.delete", targetType: "dashboard", targetId: id, outcome: "success" });
      return c.body(null, 204);
    },
  )
  .get(
    "/:id/export",
    doc({
      summary: "Export a dashboard",
      description: "The dashboard document as a JSON download (`content-disposition: attachment`), with `schemaVersion` and widget ids but without the dashboard's id, version and times; `POST /dashboards/import` reads it back.",
      tags,
      ok: { schema: DashboardDocument, description: "The document, as an attachment" },
      errors: [404],
    }),
    requireRole("VIEWER"),
    validate("param", IdParam),
    async (c) => {
      const dashboard = await c.get("data").dashboards.get(c.req.valid("param").id);
      return c.body(`${JSON.stringify(documentOf(dashboard), null, 2)}\n`, 200, {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="${fileName(dashboard.name)}"`,
        "cache-control": "no-store",
      });
    },
  );
