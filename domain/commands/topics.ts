/**
 * Topics of tracked commands. The command and its response use the device topics of the scheme;
 * `…/cmd/{commandId}/state` carries every state change to application clients. A device cannot
 * subscribe to it (its ACL allows only single-level `cmd/+` below its own id) nor publish it.
 */
import { deviceTopic } from "../topics";

export const commandTopic = (tenant: string, device: string, commandId: string) => deviceTopic(tenant, device, "cmd", commandId);
export const commandResponseTopic = (tenant: string, device: string, commandId: string) => deviceTopic(tenant, device, "cmd/response", commandId);
export const commandStateTopic = (tenant: string, device: string, commandId: string) => `${commandTopic(tenant, device, commandId)}/state`;
