/**
 * "New rollout" (ADMIN): the artifact, which devices (named, by tags, by profile or all), the
 * strategy (phases with presets, or an exponential rate), the per-device limits and the health
 * gate. Checked with the API's own schema before sending; empty numbers take the API's defaults.
 */
import { useEffect, useState } from "preact/hooks";
import { Field, FormError } from "../components/Field";
import { FormActions } from "../components/FormActions";
import { useFormSubmit, type FormText } from "../components/useFormSubmit";
import type { Firmware } from "../../../domain/schemas/firmware";
import { readyFirmware, rolloutsApi, type Created, type RolloutInput } from "./api";
import { PhasesEditor, PRESETS, type PhaseDraft } from "./PhasesEditor";

type TargetKind = "devices" | "tags" | "profile" | "all";
const TARGETS: { kind: TargetKind; label: string; hint: string }[] = [
  { kind: "devices", label: "Named devices", hint: "device ids, separated by commas or spaces" },
  { kind: "tags", label: "Devices with tags", hint: "devices carrying every one of these tags" },
  { kind: "profile", label: "A device profile", hint: "the profile's id" },
  { kind: "all", label: "Every device", hint: "" },
];

const words = (text: string) => text.split(/[\s,]+/).filter(Boolean);
/** An empty field leaves the API's default; anything else must read as a number (NaN is named by the schema). */
const num = (text: string) => (text === "" ? undefined : Number(text));

function targetOf(kind: TargetKind, value: string): RolloutInput["target"] {
  if (kind === "devices") return { devices: words(value) };
  if (kind === "tags") return { tags: words(value) };
  if (kind === "profile") return { profile: value };
  return { all: true };
}

function strategyOf(kind: "phases" | "exponential", phases: PhaseDraft[], text: FormText): RolloutInput["strategy"] {
  const gate = {
    soakMinutes: num(text("strategy.gate.soakMinutes")),
    marginPercent: num(text("strategy.gate.marginPercent")),
    abortThresholdPercent: num(text("strategy.gate.abortThresholdPercent")),
    minExecuted: num(text("strategy.gate.minExecuted")),
    minCohort: num(text("strategy.gate.minCohort")),
  };
  const common = { maxConcurrent: num(text("strategy.maxConcurrent")), updateTimeoutMinutes: num(text("strategy.updateTimeoutMinutes")), retries: num(text("strategy.retries")), gate };
  if (kind === "phases") return { kind, phases: phases.map((p) => ({ percent: Number(p.percent), waitMinutes: Number(p.waitMinutes || 0) })), ...common };
  return {
    kind,
    baseDevicesPerMinute: num(text("strategy.baseDevicesPerMinute")) as number,
    incrementFactor: num(text("strategy.incrementFactor")) as number,
    incrementAfterSuccesses: num(text("strategy.incrementAfterSuccesses")) as number,
    ...common,
  };
}

export function NewRolloutForm({ onStarted, onCancel }: { onStarted: (c: Created) => void; onCancel: () => void }) {
  const [firmware, setFirmware] = useState<Firmware[] | null>(null);
  const [targetKind, setTargetKind] = useState<TargetKind>("devices");
  const [kind, setKind] = useState<"phases" | "exponential">("phases");
  const [phases, setPhases] = useState<PhaseDraft[]>(PRESETS[0]!.phases.map((p) => ({ ...p })));
  useEffect(() => {
    readyFirmware().then(
      (p) => setFirmware(p.items),
      () => setFirmware([]),
    );
  }, []);
  const { error, apiError, busy, onSubmit } = useFormSubmit(async (_form, text) => {
    const body: RolloutInput = { firmwareId: text("firmwareId"), target: targetOf(targetKind, text("target")), strategy: strategyOf(kind, phases, text) };
    const id = text("id");
    onStarted(await rolloutsApi.start(id ? { ...body, id } : body));
  });
  const target = TARGETS.find((t) => t.kind === targetKind)!;
  const number = (name: string, label: string, hint?: string) => (
    <Field label={label} name={name} error={apiError} hint={hint}>
      {(a) => <input {...a} type="number" inputMode="decimal" step="any" min={0} />}
    </Field>
  );
  return (
    <form class="grid-form new-rollout" id="new-rollout" noValidate onSubmit={onSubmit} aria-labelledby="new-rollout-title">
      <h2 id="new-rollout-title">New rollout</h2>
      <Field label="Firmware" name="firmwareId" error={apiError} hint={firmware?.length === 0 ? "no uploaded firmware: upload one on the Firmware page" : undefined}>
        {(a) => (
          <select {...a}>
            {(firmware ?? []).map((f) => (
              <option key={f.id} value={f.id}>
                {f.title} {f.version}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Rollout id" name="id" error={apiError} hint="optional; letters, digits, _ and -">
        {(a) => <input {...a} autocapitalize="off" spellcheck={false} />}
      </Field>
      <Field label="Target" name="targetKind" hint={undefined}>
        {(a) => (
          <select {...a} value={targetKind} onChange={(e) => setTargetKind((e.currentTarget as HTMLSelectElement).value as TargetKind)}>
            {TARGETS.map((t) => (
              <option key={t.kind} value={t.kind}>
                {t.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      {targetKind !== "all" && (
        <Field label={target.label} name="target" error={apiError} hint={target.hint}>
          {(a) => <input {...a} autocapitalize="off" spellcheck={false} />}
        </Field>
      )}
      <Field label="Strategy" name="strategy.kind" error={apiError}>
        {(a) => (
          <select {...a} value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as "phases" | "exponential")}>
            <option value="phases">Phases (waves with soaks)</option>
            <option value="exponential">Exponential rate</option>
          </select>
        )}
      </Field>
      {kind === "phases" ? (
        <PhasesEditor phases={phases} onChange={setPhases} error={apiError?.forField("strategy.phases")} />
      ) : (
        <div class="rate-fields">
          {number("strategy.baseDevicesPerMinute", "Devices per minute at first")}
          {number("strategy.incrementFactor", "Increase factor", "1.1 to 5")}
          {number("strategy.incrementAfterSuccesses", "Increase after successes")}
        </div>
      )}
      {number("strategy.maxConcurrent", "Most devices updating at once", "default 100")}
      {number("strategy.updateTimeoutMinutes", "Per-device timeout (minutes)", "default 60")}
      {number("strategy.retries", "Retries per device", "default 1")}
      <fieldset class="gate-fields">
        <legend>Health gate</legend>
        {number("strategy.gate.marginPercent", "Margin (points worse)", "default 5")}
        {number("strategy.gate.abortThresholdPercent", "Failure threshold (%)", "default 10")}
        {number("strategy.gate.minExecuted", "Finished updates before judging", "default 5")}
        {number("strategy.gate.minCohort", "Smallest cohort compared", "default 5")}
        {number("strategy.gate.soakMinutes", "Soak (minutes)", "default 30")}
      </fieldset>
      <FormError error={error} id="new-rollout-error" />
      <FormActions submitLabel="Start rollout" busy={busy} id="start-rollout" class="primary" onCancel={onCancel} />
    </form>
  );
}
