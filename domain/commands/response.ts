/**
 * What a device answers on `…/cmd/{commandId}/response`: `{"status":"ok","result":…}` or
 * `{"status":"error","error":…}`. Anything else is a failed command with `invalid_response`,
 * so a device that answers badly is told apart from one that does not answer at all.
 */
import { z } from "zod";

const DeviceResponse = z.discriminatedUnion("status", [z.object({ status: z.literal("ok"), result: z.unknown().optional() }), z.object({ status: z.literal("error"), error: z.unknown() })]);

/** The outcome a response payload gives its command. */
export type ResponseOutcome = { status: "succeeded"; result: unknown } | { status: "failed"; error: unknown };

export function readResponse(payload: Uint8Array): ResponseOutcome {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(payload));
  } catch {
    return { status: "failed", error: { code: "invalid_response", message: "the response is not JSON" } };
  }
  const parsed = DeviceResponse.safeParse(json);
  if (!parsed.success) return { status: "failed", error: { code: "invalid_response", message: 'expected {"status":"ok","result":…} or {"status":"error","error":…}' } };
  return parsed.data.status === "ok" ? { status: "succeeded", result: parsed.data.result ?? null } : { status: "failed", error: parsed.data.error };
}
