/** A health state as a badge: the state in words (never colour alone), the reason as its title and as visually-hidden text. */
import type { HealthReason, HealthState } from "../../../domain/schemas/health";
import { reasonWords, STATE_LABEL } from "./words";
import "./health.css";

export function HealthBadge({ state, reason, why }: { state: HealthState; reason?: HealthReason | null; why?: string }) {
  const because = why ?? reasonWords(reason);
  return (
    <span class={`health health-${state}`} data-health={state} title={because || undefined}>
      <span class="health-dot" aria-hidden="true" />
      {STATE_LABEL[state]}
      {because && <span class="visually-hidden">: {because}</span>}
    </span>
  );
}
