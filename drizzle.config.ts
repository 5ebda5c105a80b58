import { defineConfig } from "drizzle-kit";

// `npm run db:generate` writes SQL migrations into migrations/, which wrangler applies
// (`wrangler d1 migrations apply`) and tests apply with applyD1Migrations.
export default defineConfig({
  dialect: "sqlite",
  schema: "./domain/data/schema.ts",
  out: "./migrations",
});
