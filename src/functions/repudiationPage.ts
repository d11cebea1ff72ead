/**
 * The "this wasn't me" page: `GET /repudiate?t=<link secret>` shows what happened and asks for
 * confirmation; `POST /repudiate` (form field `t`) confirms (functions/repudiationSteps).
 *
 * Server-rendered, without any script or style, under a CSP that allows none and lets the form
 * post only to this origin. Safe against cross-site requests: the only thing that makes a
 * confirmation act is the link's secret in the form body — no cookie, no session, no ambient
 * credential — so a forged cross-site form can do nothing a stranger without the secret could
 * not. On top, a POST whose `Sec-Fetch-Site` is present and not `same-origin`, or (without it)
 * whose `Origin` is present and not the app's, is refused before the secret is read (defence in depth:
 * a secret leaked to another site cannot be replayed from a victim's browser).
 *
 * Every link that must not act (unknown, expired, of another account or recovery, of a recovery
 * that did not end recovered) gets the same answer, so the page tells a stranger nothing.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { z } from "zod";
import { getConfig } from "../config";
import { escapeHtml } from "../html";
import { clientAddress, readRawBody } from "../http";
import { toRecoveryError } from "../recovery/errors";
import { directionOf, isLanguageTag, type Locale, negotiateLocale } from "../recovery/locale";
import { fillNotice, noticeTime } from "../recovery/notifications";
import { confirmRepudiation, type LinkView, viewLink } from "./repudiationSteps";
import { REPUDIATION_TEXT, type RepudiationText } from "./repudiationText";

/** The confirmation form's body (application/x-www-form-urlencoded). */
export const repudiationFormSchema = z.object({ t: z.string() }).strict();

const PAGE_CSP = [
  "default-src 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

const HEADERS: Record<string, string> = {
  "Content-Type": "text/html; charset=utf-8",
  "Content-Security-Policy": PAGE_CSP,
  "Cache-Control": "no-store",
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
  "Cross-Origin-Opener-Policy": "same-origin",
};

/**
 * The page's language: the notice's (`lang` in the link, and in the form's action), else the
 * browser's Accept-Language, else the tenant's. A `lang` that is no language tag is ignored.
 */
function pageLocale(request: HttpRequest): Locale {
  const lang = request.query.get("lang") ?? undefined;
  return negotiateLocale({
    requested: lang && isLanguageTag(lang) ? lang : undefined,
    acceptLanguage: request.headers.get("accept-language"),
    tenantDefault: getConfig().defaultLocale,
  });
}

/** One page: a title and paragraphs (text, escaped here), and optionally the confirmation form. */
function page(
  locale: Locale,
  status: number,
  title: string,
  paragraphs: readonly string[],
  form?: string,
): HttpResponseInit {
  const body = [
    "<!doctype html>",
    `<html lang="${locale}" dir="${directionOf(locale)}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head>`,
    "<body><main>",
    `<h1>${escapeHtml(title)}</h1>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    form ?? "",
    "</main></body></html>",
  ].join("\n");
  return { status, headers: HEADERS, body };
}

/** The page in one language: its words, and the page builder bound to that language. */
function inLanguage(locale: Locale) {
  const t: RepudiationText = REPUDIATION_TEXT[locale];
  return {
    locale,
    t,
    page: (status: number, title: string, paragraphs: readonly string[], form?: string) =>
      page(locale, status, title, paragraphs, form),
    invalidPage: () => page(locale, 404, t.invalidTitle, [t.invalidBody]),
  };
}
type Language = ReturnType<typeof inLanguage>;

function openPage(
  { locale, t, page }: Language,
  shown: NonNullable<LinkView["shown"]>,
  token: string,
): HttpResponseInit {
  const form = [
    `<form method="post" action="repudiate?lang=${locale}">`,
    `<input type="hidden" name="t" value="${escapeHtml(token)}">`,
    `<button type="submit">${escapeHtml(t.confirm)}</button>`,
    "</form>",
  ].join("\n");
  return page(
    200,
    t.title,
    [
      fillNotice(locale, t.openBody, {
        account: shown.userPrincipalName,
        time: noticeTime(locale, shown.recoveredAt),
      }),
      t.openAsk,
      t.openIfYou,
    ],
    form,
  );
}

/** Any failure is a page, never a stack: a 503 when the directory or the store did not answer. */
async function answer(
  request: HttpRequest,
  context: InvocationContext,
  run: (language: Language) => Promise<HttpResponseInit>,
) {
  let language = inLanguage("en");
  try {
    language = inLanguage(pageLocale(request));
    return await run(language);
  } catch (err) {
    const mapped = toRecoveryError(err);
    context.error(`repudiation: ${mapped.code}: ${mapped.message}`);
    return language.page(503, language.t.unavailableTitle, [language.t.unavailableBody]);
  }
}

export async function repudiationPage(request: HttpRequest, context: InvocationContext) {
  return answer(request, context, async (language) => {
    const { t, page, invalidPage } = language;
    const token = request.query.get("t") ?? "";
    const view = await viewLink(token, new Date());
    // Only a link that may act (open, or done) has something to show.
    if (!view.shown) return invalidPage();
    return view.decision.kind === "done"
      ? page(200, t.alreadyTitle, [t.alreadyBody])
      : openPage(language, view.shown, token);
  });
}

/**
 * A cross-site POST: refused before the body is read. A browser that sends `Sec-Fetch-Site`
 * (every current one) is judged by it alone: under this page's `Referrer-Policy: no-referrer`
 * it sends `Origin: null` even for its own form. Without it, an `Origin` must be the app's.
 */
function isCrossSite(request: HttpRequest, appOrigin: string): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null) return site !== "same-origin";
  const origin = request.headers.get("origin");
  return origin !== null && origin !== appOrigin;
}

export async function confirmRepudiationPage(request: HttpRequest, context: InvocationContext) {
  return answer(request, context, async ({ t, page, invalidPage }) => {
    const config = getConfig();
    if (isCrossSite(request, new URL(config.publicBaseUrl).origin))
      return page(403, t.refusedTitle, [t.refusedBody]);
    const type = request.headers.get("content-type") ?? "";
    if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) return invalidPage();
    let raw: string;
    try {
      raw = await readRawBody(request, 1024);
    } catch {
      return invalidPage();
    }
    const token = new URLSearchParams(raw).get("t") ?? "";
    const { outcome } = await confirmRepudiation(
      token,
      clientAddress(request, config.trustedProxyHops),
      new Date(),
    );
    switch (outcome) {
      case "invalid":
        return invalidPage();
      case "already_repudiated":
        return page(200, t.alreadyTitle, [t.alreadyBody]);
      case "repudiated":
        return page(200, t.doneTitle, [t.doneBody]);
    }
  });
}
