/** The Rollouts area's endpoints. Bodies are checked with the API's own schemas before sending. */
import type { z } from "zod";
import type { Page } from "../../../domain/schemas/common";
import { CreateRollout, ResumeRollout, RolloutExecution as ExecutionSchema, type CreatedRollout, type Rollout, type RolloutExecution, type RolloutStatus, type RolloutSummary } from "../../../domain/schemas/rollouts";
import type { Firmware } from "../../../domain/schemas/firmware";
import { check, query, request } from "../api";

export type { Rollout, RolloutExecution, RolloutStatus, RolloutSummary };
export type ExecutionState = RolloutExecution["state"];
/** Every execution state in the order an update goes through them, from the shared schema. */
export const EXECUTION_STATES: readonly ExecutionState[] = ExecutionSchema.shape.state.options;
export type Created = z.infer<typeof CreatedRollout>;
export type RolloutInput = z.input<typeof CreateRollout>;

const one = (id: string) => `/rollouts/${encodeURIComponent(id)}`;

export const rolloutsApi = {
  list: (q: { status?: RolloutStatus; cursor?: string } = {}) => request<Page<RolloutSummary>>("GET", `/rollouts${query({ limit: 50, ...q })}`),
  get: (id: string) => request<Rollout>("GET", one(id)),
  devices: (id: string, q: { state?: ExecutionState; wave?: number; cursor?: string } = {}) => request<Page<RolloutExecution>>("GET", `${one(id)}/devices${query({ limit: 100, ...q })}`),
  start: (body: RolloutInput) => request<Created>("POST", "/rollouts", { body: check(CreateRollout, body) }),
  pause: (id: string) => request<Rollout>("POST", `${one(id)}/pause`),
  resume: (id: string, acknowledgeFailures: boolean) => request<Rollout>("POST", `${one(id)}/resume`, { body: check(ResumeRollout, { acknowledgeFailures }) }),
  cancel: (id: string) => request<Rollout>("POST", `${one(id)}/cancel`),
  rollback: (id: string) => request<Created>("POST", `${one(id)}/rollback`, { body: {} }),
};

/** The artifacts a rollout can install: uploaded and not deprecated. */
export const readyFirmware = () => request<Page<Firmware>>("GET", `/firmware${query({ limit: 200, status: "ready" })}`);
