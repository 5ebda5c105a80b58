/**
 * Alarm rules (ADMIN, as the API requires): the tenant's rules with their condition, scope and
 * severity; create, edit in place and delete (asked twice). Webhook targets follow on the same page.
 */
import { useEffect, useState } from "preact/hooks";
import type { AlarmRule, AlarmScope } from "../../../domain/schemas/alarms";
import { describe } from "../components/Field";
import { alarmsApi } from "./api";
import { conditionText } from "./rule-draft";
import { RuleForm } from "./RuleForm";
import { WebhookTargets } from "./WebhookTargets";
import "./alarms.css";

const scopeText = (s: AlarmScope) => (s.kind === "device" ? `device ${s.deviceId}` : s.kind === "profile" ? `profile ${s.profileId}` : `tag ${s.tag}`);

export function AlarmRulesPage() {
  const [rules, setRules] = useState<AlarmRule[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);

  async function load(after?: string) {
    try {
      const page = await alarmsApi.rules(after);
      setRules((list) => (after ? [...(list ?? []), ...page.items] : page.items));
      setCursor(page.nextCursor);
      setError(null);
    } catch (err) {
      setError(err as Error);
    }
  }
  useEffect(() => void load(), []);

  const saved = (r: AlarmRule) => {
    setRules((list) => (list?.some((x) => x.id === r.id) ? list.map((x) => (x.id === r.id ? r : x)) : [...(list ?? []), r]));
    setEditing(null);
  };

  async function remove(id: string) {
    try {
      await alarmsApi.deleteRule(id);
      setRules((list) => list?.filter((r) => r.id !== id) ?? null);
      setError(null);
    } catch (err) {
      setError(err as Error);
    } finally {
      setDeleting(null);
    }
  }

  return (
    <section id="alarm-rules-view" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        Alarm rules
      </h1>
      <p class="muted">What raises an alarm, for which devices, and how severe it is. Changes apply to the next reading.</p>
      <section class="card" aria-labelledby="new-rule-title">
        <h2 id="new-rule-title">New rule</h2>
        <RuleForm rule={null} onSaved={saved} />
      </section>
      <p class="error" role="alert" id="rules-error">
        {error ? describe(error) : ""}
      </p>
      <h2>Rules</h2>
      {rules === null ? (
        <p class="muted">Loading rules…</p>
      ) : rules.length === 0 ? (
        <p class="muted" id="rules-empty">
          No rules yet.
        </p>
      ) : (
        <ul class="rule-list" id="rule-list">
          {rules.map((r) => (
            <li key={r.id} id={`rule-${r.id}`} class="card rule">
              <div class="alarm-head">
                <span class={`status severity severity-${r.severity}`}>{r.severity}</span>
                <strong>{r.name}</strong>
                <code>{conditionText(r.condition)}</code>
                <span class="muted">{scopeText(r.scope)}</span>
                <span class="muted">
                  raise after {r.raiseAfter}, clear after {r.clearAfter}
                  {r.durationSeconds ? `, lasting ${r.durationSeconds} s` : ""}
                </span>
                {!r.enabled && <span class="status">disabled</span>}
              </div>
              {editing === r.id ? (
                <RuleForm rule={r} onSaved={saved} onCancel={() => setEditing(null)} />
              ) : (
                <div class="form-actions">
                  <button type="button" class="edit-rule" onClick={() => setEditing(r.id)} aria-label={`Edit ${r.name}`}>
                    Edit
                  </button>
                  {deleting === r.id ? (
                    <>
                      <button type="button" class="danger confirm-delete-rule" onClick={() => void remove(r.id)}>
                        Delete {r.name} for good
                      </button>
                      <button type="button" onClick={() => setDeleting(null)}>
                        Keep it
                      </button>
                    </>
                  ) : (
                    <button type="button" class="delete-rule" onClick={() => setDeleting(r.id)} aria-label={`Delete ${r.name}`}>
                      Delete
                    </button>
                  )}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" onClick={() => void load(cursor)}>
          Show more rules
        </button>
      )}
      <WebhookTargets />
    </section>
  );
}
