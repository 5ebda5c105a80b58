/** The devices list's filter bar: every filter the API has, read from and written to the URL. */
import type { DeviceProfile } from "../../../domain/schemas/assets";
import { DeviceKind, DeviceStatus, DeviceType } from "../../../domain/schemas/devices";
import { HealthState } from "../../../domain/schemas/health";
import { STATE_LABEL } from "../health/words";

/** The URL parameters the list understands: the API's filters, plus page size and cursor. */
export const FILTER_KEYS = ["q", "status", "health", "kind", "type", "firmware", "tag", "profile", "parent"] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
export type FilterValues = Partial<Record<FilterKey, string>>;

type Props = { values: FilterValues; profiles: DeviceProfile[]; onApply: (values: FilterValues) => void };

function Choice({ name, label, options, value, labels = {} }: { name: FilterKey; label: string; options: readonly string[]; value: string | undefined; labels?: Record<string, string> }) {
  return (
    <div class="field">
      <label for={`filter-${name}`}>{label}</label>
      <select id={`filter-${name}`} name={name} value={value ?? ""}>
        <option value="">any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {labels[o] ?? o}
          </option>
        ))}
      </select>
    </div>
  );
}

function Text({ name, label, value, placeholder }: { name: FilterKey; label: string; value: string | undefined; placeholder?: string }) {
  return (
    <div class="field">
      <label for={`filter-${name}`}>{label}</label>
      <input id={`filter-${name}`} name={name} value={value ?? ""} placeholder={placeholder} autocapitalize="off" spellcheck={false} />
    </div>
  );
}

export function DeviceFilters({ values, profiles, onApply }: Props) {
  function read(form: HTMLFormElement): FilterValues {
    const data = new FormData(form);
    return Object.fromEntries(FILTER_KEYS.map((k) => [k, String(data.get(k) ?? "").trim()]).filter(([, v]) => v));
  }
  // The form is keyed by the URL's values so going back in history refills it.
  return (
    <form
      id="device-filters"
      key={JSON.stringify(values)}
      class="grid-form filters"
      role="search"
      aria-label="Filter devices"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(read(e.currentTarget));
      }}
      onChange={(e) => {
        // Choices apply at once; text fields on Enter or "Apply".
        if ((e.target as HTMLElement).tagName === "SELECT") onApply(read(e.currentTarget as HTMLFormElement));
      }}
    >
      <Text name="q" label="Search id or name" value={values.q} />
      <Choice name="status" label="Status" options={DeviceStatus.options} value={values.status} />
      <Choice name="health" label="Health" options={HealthState.options} labels={STATE_LABEL} value={values.health} />
      <Choice name="type" label="Type" options={DeviceType.options} value={values.type} />
      <Choice name="kind" label="Kind" options={DeviceKind.options} value={values.kind} />
      <Text name="tag" label="Tag" value={values.tag} />
      <Text name="firmware" label="Firmware" value={values.firmware} />
      <Choice name="profile" label="Profile" options={profiles.map((p) => p.id)} value={values.profile} />
      <Text name="parent" label="Parent gateway" value={values.parent} placeholder="gateway id" />
      <div class="form-actions">
        <button type="submit">Apply filters</button>
        <button type="button" onClick={() => onApply({})}>
          Clear filters
        </button>
      </div>
    </form>
  );
}
