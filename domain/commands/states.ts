/**
 * The life of a command, as a state machine: which transitions exist, which states end it, and a
 * transition that stamps its time. Nothing here skips a state: a command reaches `succeeded` only
 * through `sent` and `delivered`, each with its own timestamp.
 */
import { z } from "zod";

const COMMAND_STATUSES = ["queued", "sent", "delivered", "succeeded", "failed", "expired", "canceled", "timed_out"] as const;
export const CommandStatus = z.enum(COMMAND_STATUSES);
export type CommandStatus = z.infer<typeof CommandStatus>;

/** What may follow each state. `delivered` ends a one-way command (see `isFinal`). */
const NEXT: Record<CommandStatus, readonly CommandStatus[]> = {
  queued: ["sent", "expired", "canceled"],
  sent: ["delivered", "expired", "canceled"],
  delivered: ["succeeded", "failed", "timed_out", "canceled"],
  succeeded: [],
  failed: [],
  expired: [],
  canceled: [],
  timed_out: [],
};

/** How a transition was established: `puback` is the device's PUBACK, `response` its answer (see `deliveredBy`). */
export type TransitionEvidence = "api" | "puback" | "response" | "deadline";

export type Transition = { status: CommandStatus; at: number; by?: TransitionEvidence };

export type CommandLife = { status: CommandStatus; responseRequired: boolean; history: Transition[] };

export class IllegalTransition extends Error {
  constructor(from: CommandStatus, to: CommandStatus) {
    super(`a command cannot go from ${from} to ${to}`);
    this.name = "IllegalTransition";
  }
}

export function isFinal(life: Pick<CommandLife, "status" | "responseRequired">): boolean {
  if (life.status === "delivered") return !life.responseRequired;
  return NEXT[life.status].length === 0;
}

export function canTransition(life: Pick<CommandLife, "status" | "responseRequired">, to: CommandStatus): boolean {
  return !isFinal(life) && NEXT[life.status].includes(to);
}

/** The life after moving to `to` at `at`; throws on a transition the machine does not have. */
export function transition<T extends CommandLife>(life: T, to: CommandStatus, at: number, by?: TransitionEvidence): T {
  if (!canTransition(life, to)) throw new IllegalTransition(life.status, to);
  // Timestamps never run backwards, even if a clock did.
  const last = life.history[life.history.length - 1]?.at ?? at;
  const step: Transition = { status: to, at: Math.max(at, last), ...(by ? { by } : {}) };
  return { ...life, status: to, history: [...life.history, step] };
}

/** States in which a command still holds a place in its device's queue (counted against the plan). */
export const OPEN_STATUSES: readonly CommandStatus[] = ["queued", "sent", "delivered"];
