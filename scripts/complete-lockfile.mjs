// The npm registry reachable here serves workerd's Linux builds but not its macOS/Windows ones,
// so `npm install` leaves those optional platform packages out of package-lock.json, and then
// `npm ci` refuses the lock file. This adds the missing entries (marked optional and limited to
// their OS/CPU, so no Linux machine ever downloads them). Run after `npm install` changes the lock.
import { readFileSync, writeFileSync } from "node:fs";

const LOCK = new URL("../package-lock.json", import.meta.url);
const PLATFORMS = { "darwin-64": ["darwin", "x64"], "darwin-arm64": ["darwin", "arm64"], "windows-64": ["win32", "x64"], "linux-64": ["linux", "x64"], "linux-arm64": ["linux", "arm64"] };

const lock = JSON.parse(readFileSync(LOCK, "utf8"));
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  if (!path.endsWith("node_modules/workerd")) continue;
  const base = path.slice(0, -"workerd".length);
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `${base}${name}`;
    const platform = PLATFORMS[name.replace("@cloudflare/workerd-", "")];
    if (lock.packages[key] || !platform) continue;
    lock.packages[key] = { version, cpu: [platform[1]], dev: true, license: "Apache-2.0", optional: true, os: [platform[0]], engines: { node: ">=16" } };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
writeFileSync(LOCK, JSON.stringify(lock, null, 2) + "\n");
console.log(`complete-lockfile: added ${added} optional platform entries`);
