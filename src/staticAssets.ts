/**
 * Static browser apps the Functions app serves itself (the recovery page, the admin console),
 * built by dev/build/browserApp.ts into a folder beside the app with a `manifest.json`: only
 * files the manifest names are served. Hashed files are immutable; the HTML shell is
 * revalidated (ETag, 304). Read once per process: the files are small and never change while
 * the app runs.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { problem } from "./http";
import { DependencyError, NotFoundError } from "./recovery/errors";

interface Asset {
  contentType: string;
  immutable: boolean;
  etag: string;
  body: Buffer;
}

interface Manifest {
  index: string;
  files: Record<string, Omit<Asset, "body">>;
}

export class StaticAssets {
  private loaded: { index: Asset; files: Map<string, Asset> } | undefined;

  /**
   * `dirName`: the built folder's name; `notBuilt`: the code and sentence of the 502 answered
   * when it is missing (a deployment without its assets).
   */
  constructor(
    private readonly dirName: string,
    private readonly notBuilt: { code: "page_not_built" | "console_not_built"; message: string },
  ) {}

  /** The nearest `<dirName>/manifest.json` above this module (tsc output or the bundle). */
  private findDir(): string | undefined {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
      if (existsSync(path.join(dir, this.dirName, "manifest.json"))) return path.join(dir, this.dirName);
      if (path.dirname(dir) === dir) return undefined;
    }
  }

  private load(): { index: Asset; files: Map<string, Asset> } {
    if (this.loaded) return this.loaded;
    const dir = this.findDir();
    if (!dir) throw new DependencyError(this.notBuilt.code, this.notBuilt.message, false);
    const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")) as Manifest;
    const files = new Map<string, Asset>();
    for (const [name, meta] of Object.entries(manifest.files)) {
      files.set(name, { ...meta, body: readFileSync(path.join(dir, path.basename(name))) });
    }
    const index = files.get(manifest.index);
    if (!index)
      throw new DependencyError(this.notBuilt.code, `${this.dirName}: the manifest has no index`, false);
    this.loaded = { index, files };
    return this.loaded;
  }

  /** The HTML shell; `variant`: the build's `index.<variant>.html` in its place (a language), if it has one. */
  index(request: HttpRequest, headers: Record<string, string>, variant?: string): HttpResponseInit {
    const loaded = this.load();
    const shell = variant ? loaded.files.get(`index.${variant}.html`) : undefined;
    return serve(request, shell && !shell.immutable ? shell : loaded.index, headers);
  }

  /** A hashed file by name; anything else (the shell's name included) is a 404. */
  file(request: HttpRequest, headers: Record<string, string>): HttpResponseInit {
    const asset = this.load().files.get(request.params.file ?? "");
    if (!asset?.immutable) {
      const refused = problem(new NotFoundError("asset_not_found", "No such file"));
      return { ...refused, headers: { ...refused.headers, ...headers } };
    }
    return serve(request, asset, headers);
  }
}

function serve(request: HttpRequest, asset: Asset, common: Record<string, string>): HttpResponseInit {
  const headers = {
    ...common,
    "Content-Type": asset.contentType,
    "Cache-Control": asset.immutable ? "public, max-age=31536000, immutable" : "no-cache",
    ETag: asset.etag,
  };
  const ifNoneMatch = request.headers.get("if-none-match");
  if (ifNoneMatch?.split(",").some((tag) => tag.trim() === asset.etag)) return { status: 304, headers };
  return { status: 200, headers, body: asset.body };
}
