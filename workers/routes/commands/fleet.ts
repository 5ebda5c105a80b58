/**
 * The fleet form: one command to a list of devices or to every device with a tag, answered with
 * one command per device and a summary. Devices that are unknown, disabled or at their queue
 * limit are listed in `rejected` with the reason; the others are queued in one call to the hub.
 */
import { z } from "zod";
import { AppError } from "../../../domain/errors";
import { FleetCommand, FleetCommandResult, type Command } from "../../../domain/schemas/commands";
import type { Context } from "hono";
import type { AppEnv } from "../../http/app-env";
import { audit } from "../../http/audit";
import { requireRole } from "../../http/auth";
import { doc } from "../../http/doc";
import { tenantRouter } from "../../http/tenant-router";
import { validate } from "../../http/validate";
import { hubCommands, newCommand } from "./hub-call";

const MAX_DEVICES = 1000;
type Rejected = z.infer<typeof FleetCommandResult>["rejected"][number];

/** Every device with the tag, at most MAX_DEVICES (more is a 400 naming the field, never a silent cut). */
async function devicesWithTag(c: Context<AppEnv>, tag: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await c.get("data").devices.list({ tag, limit: 200, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.map((d) => d.id));
    cursor = page.nextCursor ?? undefined;
    if (ids.length > MAX_DEVICES) throw new AppError("validation_failed", `more than ${MAX_DEVICES} devices have tag '${tag}'`, { errors: [{ path: "body.tag", message: `more than ${MAX_DEVICES} devices have this tag` }] });
  } while (cursor);
  return ids;
}

export const fleetCommandRoutes = tenantRouter().post(
  "/",
  doc({
    summary: "Send a command to many devices",
    description: `The same command to \`devices\` (up to ${MAX_DEVICES} ids) or to every device with \`tag\`: one command per device (each queued, delivered and answered on its own), unknown, disabled or full devices in \`rejected\`, and counts in \`summary\`.`,
    tags: ["commands"],
    ok: { schema: FleetCommandResult },
    errors: [400, 503],
  }),
  requireRole("MEMBER"),
  validate("json", FleetCommand),
  async (c) => {
    const input = c.req.valid("json");
    const requested = input.devices ? [...new Set(input.devices)] : await devicesWithTag(c, input.tag!);
    const facts = new Map((await c.get("data").devices.telemetryFacts(requested)).map((f) => [f.id, f]));
    const rejected: Rejected[] = [];
    const targets: string[] = [];
    for (const id of requested) {
      const f = facts.get(id);
      if (!f) rejected.push({ deviceId: id, code: "not_found", detail: "no such device" });
      else if (f.disabled) rejected.push({ deviceId: id, code: "disabled", detail: "the device is disabled" });
      else targets.push(id);
    }
    const now = Date.now();
    const outcomes = targets.length ? await hubCommands(c, { op: "create", commands: targets.map((id) => newCommand(c, id, input, now)) }) : [];
    const commands: Command[] = [];
    let replayed = 0;
    outcomes.forEach((o, i) => {
      if (o.kind === "limit") rejected.push({ deviceId: targets[i]!, code: "rate_limited", detail: `at the plan's maxQueuedCommandsPerDevice (${o.max})` });
      else {
        commands.push(o.command);
        if (o.kind === "replayed") replayed++;
      }
    });
    const summary = { requested: requested.length, queued: commands.length - replayed, replayed, rejected: rejected.length };
    await audit(c, {
      action: "command.create_fleet",
      targetType: input.tag ? "tag" : "devices",
      targetId: input.tag ?? `${requested.length} devices`,
      outcome: "success",
      details: { method: input.method, ...summary, commandIds: commands.slice(0, 50).map((x) => x.id) },
    });
    const body: FleetCommandResult = { commands, rejected, summary };
    return c.json(body);
  },
);
