// Builds the web console: web/src (TypeScript + Preact) → web/public/build/app.js (+ source map),
// served as Workers static assets. wrangler runs it by itself ([build] in wrangler.toml) before
// `wrangler dev` (npm run dev, the e2e tests) and `wrangler deploy`; the output is never committed.
// `node scripts/build-web.mjs --watch` rebuilds on change.
import { build, context } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * zod re-exports its error messages in 40-odd languages (`z.locales`), about 260 KiB the console
 * never uses: it speaks English, zod's default, which is all this keeps.
 */
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => (/[\\/]zod[\\/]/.test(args.importer) ? { path: join(dirname(args.importer), "../locales/index.js"), namespace: "zod-locales" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "zod-locales" }, (args) => ({ contents: `export { default as en } from ${JSON.stringify(join(dirname(args.path), "en.js"))};`, resolveDir: dirname(args.path), loader: "js" }));
  },
};

/** @type {import("esbuild").BuildOptions} */
export const options = {
  absWorkingDir: ROOT,
  entryPoints: ["web/src/main.tsx"],
  outfile: "web/public/build/app.js",
  bundle: true,
  format: "esm",
  target: ["es2022"],
  platform: "browser",
  minify: true,
  sourcemap: true,
  jsx: "automatic",
  jsxImportSource: "preact",
  legalComments: "none",
  logLevel: "warning",
  plugins: [zodEnglishOnly],
};

if (process.argv.includes("--watch")) {
  const ctx = await context(options);
  await ctx.watch();
  console.log("build-web: watching web/src");
} else {
  const result = await build({ ...options, metafile: true });
  const bytes = Object.entries(result.metafile.outputs).find(([f]) => f.endsWith("app.js"))?.[1].bytes ?? 0;
  console.log(`build-web: web/public/build/app.js (${(bytes / 1024).toFixed(1)} KiB)`);
}
