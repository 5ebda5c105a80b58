/**
 * Hands points to Analytics Engine within this invocation's budget: packs them into data points,
 * enqueues the points of those that do not fit as spill messages first (so a failed enqueue
 * retries before anything is written, and nothing is written twice), then writes the rest.
 */
import { packPoints, type AnalyticsWriter } from "../../domain/telemetry/analytics-engine";
import type { TelemetryPoint } from "../../domain/telemetry/points";
import { sendAll, spillMessages } from "./messages";

/** Returns how many of `points` were spilled to later invocations. */
export async function exportToAnalytics(tenant: string, points: TelemetryPoint[], analytics: AnalyticsWriter, spillQueue: Queue): Promise<number> {
  const chunks = packPoints(points);
  const fit = analytics.reserve(chunks.length);
  const spilled = chunks.slice(fit).flatMap((c) => c.points);
  await sendAll(spillQueue, spillMessages(tenant, spilled));
  analytics.write(chunks.slice(0, fit));
  return spilled.length;
}
