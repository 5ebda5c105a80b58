/**
 * An ADMIN's buttons on a rollout, each asked twice: pause (running), resume (paused; a rollout
 * that paused itself asks to acknowledge the failures it saw), cancel (unfinished) and roll back
 * (to the version its updated devices had before; opens the new rollout).
 */
import { useState } from "preact/hooks";
import { ConfirmAction } from "../components/ConfirmAction";
import { describe } from "../components/Field";
import { navigate } from "../router";
import { rolloutsApi, type Rollout } from "./api";
import { rolloutHref } from "./words";

export function RolloutActions({ rollout, onChanged }: { rollout: Rollout; onChanged: (r: Rollout) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [acknowledged, setAcknowledged] = useState(false);
  const act = async (f: () => Promise<void>) => {
    setError(null);
    try {
      await f();
    } catch (err) {
      setError(describe(err as Error));
    }
  };
  const selfPaused = rollout.status === "paused" && rollout.pausedReason?.by === "gate";
  const unfinished = rollout.status === "running" || rollout.status === "paused";
  const updated = rollout.counts.succeeded ?? 0;
  return (
    <div class="rollout-actions" id="rollout-actions">
      {rollout.status === "running" && (
        <ConfirmAction id="pause-rollout" label="Pause" question="Pause? No new device is notified; devices updating now finish." onConfirm={() => act(async () => onChanged(await rolloutsApi.pause(rollout.id)))} />
      )}
      {rollout.status === "paused" && (
        <div class="resume-box">
          {selfPaused && (
            <label class="acknowledge">
              <input type="checkbox" id="acknowledge-failures" checked={acknowledged} onChange={(e) => setAcknowledged((e.currentTarget as HTMLInputElement).checked)} />I have looked at the figures above; resume despite them
            </label>
          )}
          <button type="button" id="resume-rollout" disabled={selfPaused && !acknowledged} onClick={() => act(async () => onChanged(await rolloutsApi.resume(rollout.id, selfPaused && acknowledged)))}>
            Resume
          </button>
        </div>
      )}
      {unfinished && (
        <ConfirmAction
          id="cancel-rollout"
          label="Cancel rollout"
          question="Cancel? Devices not finished are canceled and their notices withdrawn."
          confirmLabel="Cancel rollout"
          onConfirm={() => act(async () => onChanged(await rolloutsApi.cancel(rollout.id)))}
        />
      )}
      {rollout.kind === "update" && updated > 0 && (
        <ConfirmAction
          id="rollback-rollout"
          label="Roll back"
          question={`Roll back? ${unfinished ? "This rollout is canceled and its " : "Its "}${updated} updated device${updated === 1 ? "" : "s"} get the version they had before.`}
          onConfirm={() =>
            act(async () => {
              const created = await rolloutsApi.rollback(rollout.id);
              navigate(rolloutHref(created.rollout.id));
            })
          }
        />
      )}
      {error && (
        <p class="error" role="alert" id="rollout-action-error">
          {error}
        </p>
      )}
    </div>
  );
}
