/**
 * Firmware rollouts: start (ADMIN), read (MEMBER), pause, resume, cancel, roll back (ADMIN).
 * The FirmwareRollout Workflow does the work; these routes change the registry row it obeys
 * (workers/ota/rollout-control.ts) and answer with the rollout's counts and gate decisions.
 */
import { z } from "zod";
import { page } from "../../domain/schemas/common";
import { CreatedRollout, CreateRollout, ResumeRollout, RollbackRollout, Rollout, RolloutDevicesQuery, RolloutExecution, RolloutId, RolloutListQuery, RolloutSummary } from "../../domain/schemas/rollouts";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { tenantRouter } from "../http/tenant-router";
import { validate } from "../http/validate";
import { cancel, nudgeIfStalled, pauseByPerson, resume, rollBack, startRollout } from "../ota/rollout-control";

const tags = ["rollouts"];
const IdParam = z.object({ id: RolloutId });

export const rolloutRoutes = tenantRouter()
  .get("/", doc({ summary: "List rollouts", description: "With counts of devices per execution state.", tags, ok: { schema: page(RolloutSummary) }, errors: [400] }), requireRole("MEMBER"), validate("query", RolloutListQuery), async (c) =>
    c.json(await c.get("data").rollouts.list(c.req.valid("query"))),
  )
  .post(
    "/",
    doc({
      summary: "Start a rollout",
      description:
        "Updates the target's devices to a ready firmware artifact in waves (`phases`) or at a growing rate (`exponential`), pausing itself when the health gate finds the updated devices doing worse than the others or the failure rate passes the threshold. Devices the artifact is not built for, or that already run its version, are left out and listed in `skipped` (named devices that do not fit are a 409). 403 past the plan's active rollouts.",
      tags,
      ok: { status: 201, schema: CreatedRollout },
      errors: [400, 403, 404, 409, 503],
    }),
    requireRole("ADMIN"),
    validate("json", CreateRollout),
    async (c) => {
      const p = c.get("principal");
      const created = await startRollout({ env: c.env, tenant: c.get("tenant"), data: c.get("data") }, c.req.valid("json"), { actorType: p.actorType, actorId: p.actorId });
      c.header("Location", `/api/v1/rollouts/${created.rollout.id}`);
      return c.json(created, 201);
    },
  )
  .get(
    "/:id",
    doc({ summary: "Get a rollout", description: "Counts per state and per wave, and every health-gate decision with its figures.", tags, ok: { schema: Rollout }, errors: [404] }),
    requireRole("MEMBER"),
    validate("param", IdParam),
    async (c) => {
      const rollout = await c.get("data").rollouts.get(c.req.valid("param").id);
      const waking = nudgeIfStalled({ env: c.env, tenant: c.get("tenant"), data: c.get("data"), rolloutId: rollout.id }, rollout);
      if (waking) c.executionCtx.waitUntil(waking);
      return c.json(rollout);
    },
  )
  .get(
    "/:id/devices",
    doc({
      summary: "A rollout's devices",
      description: "Each device's execution: state, attempt, progress, error and every transition with its time. Filter by `state` or `wave`.",
      tags,
      ok: { schema: page(RolloutExecution) },
      errors: [400, 404],
    }),
    requireRole("MEMBER"),
    validate("param", IdParam),
    validate("query", RolloutDevicesQuery),
    async (c) => {
      const { id } = c.req.valid("param");
      await c.get("data").rollouts.row(id);
      return c.json(await c.get("data").rolloutExecutions.list(id, c.req.valid("query")));
    },
  )
  .post(
    "/:id/pause",
    doc({ summary: "Pause a rollout", description: "No new device is notified; devices already updating finish. 409 unless running.", tags, ok: { schema: Rollout }, errors: [404, 409] }),
    requireRole("ADMIN"),
    validate("param", IdParam),
    async (c) => {
      const { id } = c.req.valid("param");
      const p = c.get("principal");
      await pauseByPerson({ env: c.env, tenant: c.get("tenant"), data: c.get("data"), rolloutId: id }, { actorType: p.actorType, actorId: p.actorId });
      return c.json(await c.get("data").rollouts.get(id));
    },
  )
  .post(
    "/:id/resume",
    doc({
      summary: "Resume a paused rollout",
      description: "A rollout that paused itself resumes only with `acknowledgeFailures: true`; the failure rate then counts only failures after the resume. 409 unless paused.",
      tags,
      ok: { schema: Rollout },
      errors: [400, 404, 409],
    }),
    requireRole("ADMIN"),
    validate("param", IdParam),
    validate("json", ResumeRollout),
    async (c) => {
      const { id } = c.req.valid("param");
      const p = c.get("principal");
      await resume({ env: c.env, tenant: c.get("tenant"), data: c.get("data"), rolloutId: id }, { actorType: p.actorType, actorId: p.actorId }, c.req.valid("json").acknowledgeFailures);
      return c.json(await c.get("data").rollouts.get(id));
    },
  )
  .post(
    "/:id/cancel",
    doc({ summary: "Cancel a rollout", description: "Devices not finished are `canceled` and their update notices withdrawn. 409 when already finished.", tags, ok: { schema: Rollout }, errors: [404, 409] }),
    requireRole("ADMIN"),
    validate("param", IdParam),
    async (c) => {
      const { id } = c.req.valid("param");
      const p = c.get("principal");
      await cancel({ env: c.env, tenant: c.get("tenant"), data: c.get("data"), rolloutId: id }, { actorType: p.actorType, actorId: p.actorId });
      return c.json(await c.get("data").rollouts.get(id));
    },
  )
  .post(
    "/:id/rollback",
    doc({
      summary: "Roll back a rollout",
      description: "Cancels it if unfinished and starts a rollout (kind `rollback`) of the version its updated devices had before — the artifact of the version most of them had, or `firmwareId` — to those devices, in one wave.",
      tags,
      ok: { status: 201, schema: CreatedRollout },
      errors: [400, 403, 404, 409, 503],
    }),
    requireRole("ADMIN"),
    validate("param", IdParam),
    validate("json", RollbackRollout),
    async (c) => {
      const { id } = c.req.valid("param");
      const p = c.get("principal");
      const created = await rollBack({ env: c.env, tenant: c.get("tenant"), data: c.get("data"), rolloutId: id }, { actorType: p.actorType, actorId: p.actorId }, c.req.valid("json").firmwareId);
      c.header("Location", `/api/v1/rollouts/${created.rollout.id}`);
      return c.json(created, 201);
    },
  );
