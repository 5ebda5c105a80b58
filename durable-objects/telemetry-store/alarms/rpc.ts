/** The hot store's alarm RPCs: inputs parsed at the boundary, like the rest of rpc.ts. */
import { z } from "zod";
import { AlarmQuery, AlarmRule, MAX_ALARM_RULES } from "../../../domain/schemas/alarms";

export const SetRulesInput = z.object({ rules: z.array(AlarmRule).max(MAX_ALARM_RULES), version: z.number().int() });
export const AlarmIdInput = z.object({ id: z.string().min(1).max(64) });
export const AlarmActionInput = AlarmIdInput.extend({ by: z.string().min(1).max(200) });
export const ListAlarmsInput = AlarmQuery;
