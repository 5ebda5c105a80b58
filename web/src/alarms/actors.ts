/**
 * Who acknowledged or cleared an alarm, by name: the API records `user:{id}` or `api_key:{id}`,
 * and the workspace's members (which every role may list) say whose user id that is. Read once
 * per workspace and shared by every alarm shown; an unknown id is shown as recorded.
 */
import { useEffect, useState } from "preact/hooks";
import type { Member } from "../../../domain/schemas/identity";
import type { Page } from "../../../domain/schemas/common";
import { currentSession, request } from "../api";

const cache = new Map<string, Promise<Map<string, string>>>();

function memberNames(tenant: string): Promise<Map<string, string>> {
  let names = cache.get(tenant);
  if (!names) {
    names = request<Page<Member>>("GET", "/members?limit=200").then(
      (page) => new Map(page.items.map((m) => [m.userId, m.name ? `${m.name} (${m.email})` : m.email])),
      () => new Map<string, string>(),
    );
    cache.set(tenant, names);
  }
  return names;
}

/** `actor` as a reader knows it: a member's name and email, "API key …", or "the rule" for `system`. */
export function useActorName(): (actor: string | null) => string {
  const [names, setNames] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    const tenant = currentSession()?.tenant;
    if (tenant) void memberNames(tenant).then(setNames);
  }, []);
  return (actor) => {
    if (!actor) return "—";
    if (actor === "system") return "the rule (its condition ended)";
    const [kind, id = ""] = actor.split(":");
    if (kind === "user") return names.get(id) ?? actor;
    if (kind === "api_key") return `API key ${id}`;
    return actor;
  };
}
