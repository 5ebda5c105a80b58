/** The Alarms area's endpoints: alarms (VIEWER reads, MEMBER acts), rules and webhook targets (ADMIN). Bodies are checked with the API's own schemas before sending. */
import type { z } from "zod";
import {
  CreateAlarmRule,
  CreateWebhookTarget,
  UpdateAlarmRule,
  UpdateWebhookTarget,
  type Alarm,
  type AlarmCounts,
  type AlarmRule,
  type AlarmSeverity,
  type AlarmStatusFilter,
  type WebhookDelivery,
  type WebhookTarget,
} from "../../../domain/schemas/alarms";
import type { Page } from "../../../domain/schemas/common";
import { check, query, request } from "../api";

export type AlarmFilter = { status?: AlarmStatusFilter; severity?: AlarmSeverity; device?: string };
export type RuleInput = z.input<typeof CreateAlarmRule>;
export type WebhookInput = z.input<typeof CreateWebhookTarget>;

const id = (x: string) => encodeURIComponent(x);

export const alarmsApi = {
  list: (filter: AlarmFilter & { cursor?: string; limit?: number } = {}) => request<Page<Alarm>>("GET", `/alarms${query(filter)}`),
  counts: () => request<AlarmCounts>("GET", "/alarms/counts"),
  acknowledge: (alarmId: string) => request<Alarm>("POST", `/alarms/${id(alarmId)}/acknowledge`),
  clear: (alarmId: string) => request<Alarm>("POST", `/alarms/${id(alarmId)}/clear`),

  rules: (cursor?: string) => request<Page<AlarmRule>>("GET", `/alarm-rules${query({ limit: 100, cursor })}`),
  createRule: (body: RuleInput) => request<AlarmRule>("POST", "/alarm-rules", { body: check(CreateAlarmRule, body) }),
  updateRule: (ruleId: string, body: z.input<typeof UpdateAlarmRule>) => request<AlarmRule>("PATCH", `/alarm-rules/${id(ruleId)}`, { body: check(UpdateAlarmRule, body) }),
  deleteRule: (ruleId: string) => request<void>("DELETE", `/alarm-rules/${id(ruleId)}`),

  webhooks: (cursor?: string) => request<Page<WebhookTarget>>("GET", `/alarm-webhooks${query({ limit: 100, cursor })}`),
  createWebhook: (body: WebhookInput) => request<{ target: WebhookTarget; secret: string }>("POST", "/alarm-webhooks", { body: check(CreateWebhookTarget, body) }),
  updateWebhook: (targetId: string, body: z.input<typeof UpdateWebhookTarget>) => request<WebhookTarget>("PATCH", `/alarm-webhooks/${id(targetId)}`, { body: check(UpdateWebhookTarget, body) }),
  deleteWebhook: (targetId: string) => request<void>("DELETE", `/alarm-webhooks/${id(targetId)}`),
  deliveries: (targetId: string, cursor?: string) => request<Page<WebhookDelivery>>("GET", `/alarm-webhooks/${id(targetId)}/deliveries${query({ limit: 20, cursor })}`),
};
