/**
 * WCAG 2.2 contrast of the colours a style sheet declares as custom properties on `:root`
 * (the recovery page's and the admin console's contrast tests).
 */
import { readFileSync } from "node:fs";
import path from "node:path";

/** `--name: #rrggbb` of `src/<app>/style.css`'s `:root`, by name. */
export function cssColours(app: "page" | "console"): Record<string, string> {
  const css = readFileSync(path.resolve(__dirname, "..", "..", "src", app, "style.css"), "utf8");
  const root = /:root\s*\{([^}]*)\}/.exec(css)?.[1] ?? "";
  return Object.fromEntries([...root.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1]!, m[2]!]));
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}
