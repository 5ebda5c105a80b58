// Runs a TypeScript benchmark under Node: bundles it with esbuild (the domain code uses
// extensionless imports, which Node's own type stripping cannot resolve) into a temporary
// CommonJS file, then executes that with the same Node binary.
//
//   node bench/run.mjs bench/mqtt-codec.bench.ts
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { build } from "esbuild";

const entry = process.argv[2];
if (!entry) {
  console.error("usage: node bench/run.mjs <file.bench.ts>");
  process.exit(2);
}

const outDir = mkdtempSync(join(tmpdir(), "skylark-bench-"));
const outfile = join(outDir, basename(entry).replace(/\.ts$/, ".cjs"));
try {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node22",
    logLevel: "warning",
  });
  execFileSync(process.execPath, [outfile], { stdio: "inherit" });
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
