/**
 * A device's commands: send one (MEMBER), list and read them (VIEWER), cancel one (MEMBER).
 * Mounted under /api/v1/devices next to the devices router, whose middleware authenticates. The
 * device is looked up in the tenant's registry first, so another tenant's id is a 404 like any
 * unknown one; the commands themselves live in the tenant's own hub.
 */
import { Hono } from "hono";
import { z } from "zod";
import { AppError, notFound } from "../../../domain/errors";
import { DeviceId } from "../../../domain/ids";
import { Command, CommandListQuery, CommandPage, CreateCommand } from "../../../domain/schemas/commands";
import type { AppEnv } from "../../http/app-env";
import { audit } from "../../http/audit";
import { requireRole } from "../../http/auth";
import { doc } from "../../http/doc";
import { validate } from "../../http/validate";
import { hubCommands, newCommand, queueFull } from "./hub-call";

const tags = ["commands"];
const DeviceParam = z.object({ id: DeviceId });
const CommandParam = z.object({ id: DeviceId, commandId: z.string().min(1).max(64) });
const Cursor = z.coerce.number().int().positive();

export const deviceCommandRoutes = new Hono<AppEnv>()
  .post(
    "/:id/commands",
    doc({
      summary: "Send a command to a device",
      description:
        "Queued in the tenant's hub and PUBLISHed (QoS 1) on t/{tenant}/devices/{id}/cmd/{commandId} as soon as the device is connected and subscribed, in order, one in flight at a time. 201 with the command; the same idempotencyKey within 24 h answers 200 with the first one (Idempotent-Replayed: true). 429 rate_limited naming maxQueuedCommandsPerDevice when the device has that many unfinished commands.",
      tags,
      ok: { status: 201, schema: Command },
      errors: [400, 404, 429, 503],
    }),
    requireRole("MEMBER"),
    validate("param", DeviceParam),
    validate("json", CreateCommand),
    async (c) => {
      const { id } = c.req.valid("param");
      await c.get("data").devices.get(id);
      const [outcome] = await hubCommands(c, { op: "create", commands: [newCommand(c, id, c.req.valid("json"), Date.now())] });
      if (!outcome) throw new AppError("internal");
      if (outcome.kind === "limit") throw queueFull(id, outcome.max);
      if (outcome.kind === "replayed") return c.json(outcome.command, 200, { "idempotent-replayed": "true" });
      await audit(c, { action: "command.create", targetType: "device", targetId: id, outcome: "success", details: { commandId: outcome.command.id, method: outcome.command.method, responseRequired: outcome.command.responseRequired } });
      return c.json(outcome.command, 201);
    },
  )
  .get(
    "/:id/commands",
    doc({ summary: "List a device's commands", description: "Newest first; filter by status.", tags, ok: { schema: CommandPage }, errors: [400, 404, 503] }),
    requireRole("VIEWER"),
    validate("param", DeviceParam),
    validate("query", CommandListQuery),
    async (c) => {
      const { id } = c.req.valid("param");
      const q = c.req.valid("query");
      const cursor = q.cursor === undefined ? undefined : Cursor.safeParse(q.cursor);
      if (cursor && !cursor.success) throw new AppError("validation_failed", "invalid query: query.cursor: not a cursor this list gave", { errors: [{ path: "query.cursor", message: "not a cursor this list gave" }] });
      await c.get("data").devices.get(id);
      const page = await hubCommands(c, { op: "list", deviceId: id, limit: q.limit, ...(q.status ? { status: q.status } : {}), ...(cursor ? { beforeSeq: cursor.data } : {}) });
      return c.json({ items: page.items, nextCursor: page.nextBeforeSeq === null ? null : String(page.nextBeforeSeq) });
    },
  )
  .get(
    "/:id/commands/:commandId",
    doc({ summary: "Get a command", description: "Its state and every transition with its time; the result or error of a finished two-way command.", tags, ok: { schema: Command }, errors: [404, 503] }),
    requireRole("VIEWER"),
    validate("param", CommandParam),
    async (c) => {
      const { id, commandId } = c.req.valid("param");
      await c.get("data").devices.get(id);
      const command = await hubCommands(c, { op: "get", deviceId: id, commandId });
      if (!command) throw notFound("command");
      return c.json(command);
    },
  )
  .post(
    "/:id/commands/:commandId/cancel",
    doc({ summary: "Cancel a command", description: "A queued, sent, or delivered-and-awaiting-an-answer command becomes canceled; a finished one is 409 conflict.", tags, ok: { schema: Command }, errors: [404, 409, 503] }),
    requireRole("MEMBER"),
    validate("param", CommandParam),
    async (c) => {
      const { id, commandId } = c.req.valid("param");
      await c.get("data").devices.get(id);
      const outcome = await hubCommands(c, { op: "cancel", deviceId: id, commandId });
      if (outcome.kind === "not_found") throw notFound("command");
      if (outcome.kind === "final") throw new AppError("conflict", `the command is already ${outcome.command.status}`, { commandStatus: outcome.command.status });
      await audit(c, { action: "command.cancel", targetType: "device", targetId: id, outcome: "success", details: { commandId, method: outcome.command.method } });
      return c.json(outcome.command);
    },
  );
