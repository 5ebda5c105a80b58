// The alarm evaluation benchmark runs inside workerd, on the real TelemetryStore Durable Object
// (the same miniflare setup as the runtime tests), so it measures the store's own ingest path.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
process.env.WRANGLER_SEND_METRICS ??= "false";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          JWT_SIGNING_KEY: "bench-signing-secret-not-for-production-0123456789",
          OPERATOR_TOKEN: "bench-operator-token",
          DURABLE_OBJECT_JURISDICTIONS: "record-only",
          BENCH_BATCHES: process.env.BATCHES ?? "10",
          BENCH_ROUNDS: process.env.ROUNDS ?? "5",
        },
      },
    }),
  ],
  test: { include: ["bench/alarms/*.bench-run.ts"], testTimeout: 600_000, reporters: ["default"] },
});
