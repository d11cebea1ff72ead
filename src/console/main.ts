/**
 * The admin console: signs the admin in with Entra, then shows one view per hash route —
 * `#/overview`, `#/recoveries` (with the list's filters in the route), `#/recoveries/{id}`,
 * `#/policies`, `#/diagnostics`. A Reader sees everything read-only; a 401 from the API (an
 * expired or revoked token) brings the sign-in screen back; a 403 is said where it happened.
 */
// Must stay first: zod's setting has to be in place before any schema is built.
import "./zodWithoutEval";
import { ApiError, explain, useToken } from "./api";
import { Auth, type ConsoleConfig, SessionExpiredError, type SignedIn } from "./auth";
import { alertBox, byId, currentNavigation, h, navigate, showView } from "./dom";
import { showDiagnostics } from "./views/diagnostics";
import { showOverview } from "./views/overview";
import { showPolicies } from "./views/policies";
import { showRecoveries, showRecovery } from "./views/recoveries";
import { showVerification, showVerifications } from "./views/verifications";

const VIEWS = [
  { route: "#/overview", label: "Overview" },
  { route: "#/recoveries", label: "Recoveries" },
  { route: "#/policies", label: "Policies" },
  { route: "#/diagnostics", label: "Diagnostics" },
] as const;
/** The helpdesk agent's view (role Recovery.Helpdesk), listed only for holders of that role. */
const HELPDESK_VIEW = { route: "#/verify", label: "Verify a caller" } as const;

let auth: Auth;
let user: SignedIn | undefined;

function signInScreen(reason?: { title: string; detail: string }): void {
  // Views still loading (their calls now refused) must not cover this screen.
  navigate();
  byId("nav").hidden = true;
  byId("who").replaceChildren();
  const button = h(
    "button",
    { type: "button", class: "primary", onclick: () => void auth.signIn(currentRoute()) },
    "Sign in with Microsoft Entra",
  );
  showView(
    currentNavigation(),
    "Sign in",
    h("h1", {}, "Sign in to the admin console"),
    reason ? alertBox(reason.title, reason.detail) : null,
    h(
      "p",
      {},
      "Use your work account. The console shows recoveries, policies and diagnostics to holders of the app role Recovery.Admin (read and change) or Recovery.Reader (read only), and the caller verification to holders of Recovery.Helpdesk.",
    ),
    button,
  );
}

function currentRoute(): string {
  const [route] = location.hash.split("?");
  return route && /^#\/[\w/-]*$/.test(location.hash) ? route : "#/overview";
}

function shell(signedIn: SignedIn): void {
  const nav = byId("nav");
  nav.hidden = false;
  const views = [...(signedIn.canRead ? VIEWS : []), ...(signedIn.isHelpdesk ? [HELPDESK_VIEW] : [])];
  nav.replaceChildren(
    h("ul", {}, ...views.map((v) => h("li", {}, h("a", { href: v.route, "data-route": v.route }, v.label)))),
  );
  const role = signedIn.canWrite
    ? "Admin"
    : signedIn.canRead
      ? "Reader (read only)"
      : signedIn.isHelpdesk
        ? "Helpdesk"
        : "no console role";
  byId("who").replaceChildren(
    h("span", { class: "name" }, signedIn.name),
    h("span", { class: "role" }, role),
    h("button", { type: "button", onclick: () => void auth.signOut() }, "Sign out"),
  );
}

async function route(): Promise<void> {
  navigate();
  if (!user) return;
  const hash = location.hash || (user.canRead || !user.isHelpdesk ? "#/overview" : HELPDESK_VIEW.route);
  const [path = "", query = ""] = hash.slice(1).split("?");
  const params = new URLSearchParams(query);
  for (const a of Array.from(byId("nav").querySelectorAll("a"))) {
    const active = path.startsWith(a.dataset.route?.slice(1) ?? "\0");
    if (active) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  const verification = /^\/verify(?:\/([0-9a-f-]{36}))?$/i.exec(path);
  if (verification) {
    const signedIn = user;
    const id = verification[1];
    return showOrExplain(() => (id ? showVerification(signedIn, id) : showVerifications(signedIn)));
  }
  if (!user.canRead && user.isHelpdesk) {
    location.hash = HELPDESK_VIEW.route;
    return;
  }
  if (!user.canRead) {
    showView(
      currentNavigation(),
      "No access",
      h("h1", {}, "You have no role in this console"),
      alertBox(
        "Your account has neither Recovery.Admin, Recovery.Reader nor Recovery.Helpdesk",
        "Ask an administrator to assign you an app role on the admin API's enterprise application, then sign in again.",
      ),
    );
    return;
  }
  const signedIn = user;
  const detail = /^\/recoveries\/([0-9a-f-]{36})$/i.exec(path)?.[1];
  return showOrExplain(() => {
    if (detail) return showRecovery(detail);
    if (path === "/recoveries") return showRecoveries(params);
    if (path === "/policies") return showPolicies(signedIn);
    if (path.startsWith("/policies/"))
      return showPolicies(signedIn, decodeURIComponent(path.slice("/policies/".length)));
    if (path === "/diagnostics") return showDiagnostics();
    return showOverview();
  });
}

/**
 * Shows a view; a failure to load it is said in its place. A refused or expired sign-in is not:
 * the sign-in screen is already on show (the token hooks in main).
 */
async function showOrExplain(show: () => Promise<void>): Promise<void> {
  try {
    await show();
  } catch (err) {
    if (err instanceof SessionExpiredError || (err instanceof ApiError && err.status === 401)) return;
    const e = explain(err);
    showView(currentNavigation(), "Error", h("h1", {}, "Something went wrong"), alertBox(e.title, e.detail));
  }
}

async function main(): Promise<void> {
  const res = await fetch("/admin/config.json", { cache: "no-store" });
  const config = (await res.json()) as ConsoleConfig;
  if (!config.configured) {
    showView(
      currentNavigation(),
      "Not configured",
      h("h1", {}, "The admin console is not configured"),
      alertBox(
        "No admin API app registration",
        "Set ADMIN_API_CLIENT_ID (the infra output) on the Function App: the console signs in as that app.",
      ),
    );
    return;
  }
  const started = await Auth.start(config as Required<ConsoleConfig>);
  auth = started.auth;
  if (started.returnTo && started.returnTo !== location.hash)
    history.replaceState(null, "", started.returnTo);
  useToken(
    async () => {
      try {
        return await auth.accessToken();
      } catch (err) {
        if (err instanceof SessionExpiredError) {
          user = undefined;
          signInScreen({ title: "Your session has ended", detail: "Sign in again to continue." });
        }
        throw err;
      }
    },
    () => {
      // The API refused the token (expired, revoked, or its keys rotated): start a fresh session.
      user = undefined;
      void auth.forgetTokens().then(() =>
        signInScreen({
          title: "Your sign-in is no longer accepted",
          detail: "The admin API refused your access token (it expired or was revoked). Sign in again.",
        }),
      );
    },
  );
  user = auth.signedIn();
  if (!user) {
    signInScreen();
    return;
  }
  shell(user);
  window.addEventListener("hashchange", () => void route());
  await route();
}

main().catch((err: unknown) => {
  showView(
    currentNavigation(),
    "Error",
    h("h1", {}, "The console could not start"),
    alertBox("Something went wrong", err instanceof Error ? err.message : String(err)),
  );
});
