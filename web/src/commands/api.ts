/** The Commands area's endpoints: a device's commands and settings, and the fleet form. Bodies are checked with the API's own schemas before sending. */
import type { z } from "zod";
import { CommandSettings, CreateCommand, FleetCommand, type Command, type FleetCommandResult } from "../../../domain/schemas/commands";
import { check, query, request } from "../api";

export type CommandStatus = Command["status"];
export type CommandPage = { items: Command[]; nextCursor: string | null };
export type CommandInput = z.input<typeof CreateCommand>;
export type FleetInput = z.input<typeof FleetCommand>;

const dev = (id: string) => `/devices/${encodeURIComponent(id)}`;
const cmd = (deviceId: string, commandId: string) => `${dev(deviceId)}/commands/${encodeURIComponent(commandId)}`;

export const commandsApi = {
  list: (deviceId: string, q: { status?: CommandStatus; cursor?: string; limit?: number } = {}) => request<CommandPage>("GET", `${dev(deviceId)}/commands${query(q)}`),
  get: (deviceId: string, commandId: string) => request<Command>("GET", cmd(deviceId, commandId)),
  /** `replayed`: the idempotency key matched an earlier command, which is what comes back. */
  send: async (deviceId: string, body: CommandInput): Promise<{ command: Command; replayed: boolean }> => {
    let replayed = false;
    const command = await request<Command>("POST", `${dev(deviceId)}/commands`, { body: check(CreateCommand, body), onHeaders: (h) => (replayed = h.get("idempotent-replayed") === "true") });
    return { command, replayed };
  },
  cancel: (deviceId: string, commandId: string) => request<Command>("POST", `${cmd(deviceId, commandId)}/cancel`),
  settings: (deviceId: string) => request<CommandSettings>("GET", `${dev(deviceId)}/command-settings`),
  setSettings: (deviceId: string, body: CommandSettings) => request<CommandSettings>("PUT", `${dev(deviceId)}/command-settings`, { body: check(CommandSettings, body) }),
  fleet: (body: FleetInput) => request<FleetCommandResult>("POST", "/commands", { body: check(FleetCommand, body) }),
};
