#!/usr/bin/env node
// The npm registry our build machines reach carries only the Linux builds of Biome's
// platform binaries. `npm install` there leaves the other platforms out of
// package-lock.json, and `npm ci` then rejects the lockfile as out of sync (npm/cli#9846).
// This restores the entries npm writes against the full registry. npm skips them by
// os/cpu/libc on any machine they do not fit, so they are never fetched here.
// Idempotent: `node .ci/lockfile-platforms.js` after any `npm install`.
const fs = require("node:fs");
const path = require("node:path");

const file = path.join(__dirname, "..", "package-lock.json");
const lock = JSON.parse(fs.readFileSync(file, "utf8"));
const biome = lock.packages["node_modules/@biomejs/biome"];
if (!biome) process.exit(0);
const platforms = {
  "android-arm64": { os: ["android"], cpu: ["arm64"] },
  "android-x64": { os: ["android"], cpu: ["x64"] },
  "darwin-arm64": { os: ["darwin"], cpu: ["arm64"] },
  "darwin-x64": { os: ["darwin"], cpu: ["x64"] },
  "linux-arm64": { os: ["linux"], cpu: ["arm64"], libc: ["glibc"] },
  "linux-arm64-musl": { os: ["linux"], cpu: ["arm64"], libc: ["musl"] },
  "linux-x64": { os: ["linux"], cpu: ["x64"], libc: ["glibc"] },
  "linux-x64-musl": { os: ["linux"], cpu: ["x64"], libc: ["musl"] },
  "win32-arm64": { os: ["win32"], cpu: ["arm64"] },
  "win32-x64": { os: ["win32"], cpu: ["x64"] },
};
let added = 0;
for (const [name, version] of Object.entries(biome.optionalDependencies ?? {})) {
  const key = `node_modules/${name}`;
  const platform = platforms[name.replace("@biomejs/cli-", "")];
  if (lock.packages[key] || !platform) continue;
  lock.packages[key] = { version, cpu: platform.cpu, dev: true, ...(platform.libc ? { libc: platform.libc } : {}), license: biome.license, optional: true, os: platform.os, engines: biome.engines };
  added++;
}
if (added > 0) {
  fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`package-lock.json: restored ${added} Biome platform entries`);
}
