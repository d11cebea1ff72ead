/**
 * The reference recovery page (`GET /`, also `/recover`, where the IDV provider's return
 * lands) and its static files (`GET /assets/{file}`). The page is built by esbuild from
 * `src/page/` into `page-assets/` beside the app (dev/build/page.ts); only files named in its
 * manifest are served. Hashed assets are immutable; the HTML shell is revalidated (ETag).
 * Every answer carries a strict Content-Security-Policy: no inline script or style at all.
 *
 * The shell comes in the reader's language (src/recovery/locale.ts): `?lang=` (a sign-in front
 * end linking here in its own language), else Accept-Language, else the tenant default. The
 * page's language switcher then lets the reader choose another.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { getConfig } from "../config";
import { respond } from "../http";
import { negotiateLocale } from "../recovery/locale";
import { StaticAssets } from "../staticAssets";

export const PAGE_ASSETS_DIR = "page-assets";

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // data: for the QR code the Verified ID Request Service returns as a data URL
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

const COMMON_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
};

const PAGE = new StaticAssets(PAGE_ASSETS_DIR, {
  code: "page_not_built",
  message: "The reference page was not built (npm run build)",
});

export async function recoverPage(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respond(context, async () => {
    const locale = negotiateLocale({
      requested: request.query.get("lang") ?? undefined,
      acceptLanguage: request.headers.get("accept-language"),
      tenantDefault: getConfig().defaultLocale,
    });
    // Shared caches keep one copy per language asked for, not the first one served to everyone.
    const headers = { ...COMMON_HEADERS, "Content-Language": locale, Vary: "Accept-Language" };
    return PAGE.index(request, headers, locale === "en" ? undefined : locale);
  });
}

/** Only the hashed bundle files live under /assets; the shell is served at / and /recover. */
export async function pageAsset(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return respond(context, async () => PAGE.file(request, COMMON_HEADERS));
}
