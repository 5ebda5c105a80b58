/** What a MEMBER can do to a device from its page: rotate its secret, disable or enable it, delete it (confirmed). */
import { useEffect, useRef, useState } from "preact/hooks";
import type { Device } from "../../../domain/schemas/devices";
import { FormError } from "../components/Field";
import { navigate } from "../router";
import { devicesApi, type Credentials } from "./api";

type Props = { device: Device; onChanged: (d: Device) => void; onRotated: (c: Credentials) => void };

export function DeviceActions({ device, onChanged, onRotated }: Props) {
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  }

  const rotate = () => run(async () => onRotated((await devicesApi.rotateSecret(device.id)).credentials));
  const toggle = () => run(async () => onChanged(await devicesApi.update(device.id, { disabled: !device.disabled })));
  const remove = () =>
    run(async () => {
      await devicesApi.remove(device.id);
      navigate("/devices");
    });

  return (
    <section class="device-section" aria-labelledby="actions-title">
      <h2 id="actions-title" class="visually-hidden">
        Actions
      </h2>
      <div class="actions-bar" id="device-actions">
        <button type="button" id="rotate-secret" disabled={busy} onClick={() => void rotate()}>
          Rotate secret
        </button>
        <button type="button" id="toggle-disabled" disabled={busy} onClick={() => void toggle()}>
          {device.disabled ? "Enable" : "Disable"}
        </button>
        {confirming ? (
          <span class="actions-bar" role="group" aria-label="Confirm deletion">
            <span>
              Delete <strong>{device.id}</strong>? Its credentials stop working at once.
            </span>
            <button type="button" class="device-delete-confirm" id="confirm-delete" ref={confirmButton} disabled={busy} onClick={() => void remove()}>
              Delete {device.id}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </span>
        ) : (
          <button type="button" class="device-delete" id="delete-device" disabled={busy} onClick={() => setConfirming(true)}>
            Delete…
          </button>
        )}
      </div>
      <FormError error={error} id="actions-error" />
    </section>
  );
}
