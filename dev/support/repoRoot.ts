/** The repository root, whether a module runs from source (tests, tsx) or from dist/ (npm start). */
import { existsSync } from "node:fs";
import path from "node:path";

export const repoRoot = (() => {
  let dir = __dirname;
  while (!existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
})();
