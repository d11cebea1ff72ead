/**
 * Diagnostics: the preflight report, grouped by what the admin has to do (fix now: `fail`;
 * review: `warn`; fine: `pass`), each check with its status, summary, evidence and fix. The
 * users a check names link to their directory object in the Entra admin center. Re-run on
 * demand (the API runs the checks afresh on every GET; the report says what the run cost).
 */
import type { DiagnosticCheck, DiagnosticsReport } from "../../admin/diagnosticsReport";
import { call, explain } from "../api";
import { alertBox, announce, currentNavigation, h, showView, when } from "../dom";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The Entra admin center's page of a user, by object id. */
export function userLink(id: string): HTMLAnchorElement {
  return h(
    "a",
    {
      href: `https://entra.microsoft.com/#view/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/overview/userId/${encodeURIComponent(id)}`,
      target: "_blank",
      rel: "noopener noreferrer",
      class: "oid",
    },
    id,
  );
}

/** Evidence values, recursively; object ids under a user-ish key become links to the user. */
function evidenceNode(value: unknown, path: string[]): Node {
  const userish = path.some((p) => /user|sample|inscope|affected|account/i.test(p));
  if (typeof value === "string")
    return userish && GUID.test(value) ? userLink(value) : document.createTextNode(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null)
    return document.createTextNode(String(value));
  if (Array.isArray(value)) {
    if (value.length === 0) return document.createTextNode("none");
    if (value.every((v) => typeof v !== "object" || v === null)) {
      const span = h("span", {});
      value.forEach((v, i) => {
        if (i > 0) span.append(", ");
        span.append(evidenceNode(v, path));
      });
      return span;
    }
    return h("ul", {}, ...value.map((v) => h("li", {}, evidenceNode(v, path))));
  }
  if (typeof value === "object") {
    return h(
      "dl",
      { class: "evidence" },
      ...Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => [
        h("dt", {}, k),
        h("dd", {}, evidenceNode(v, [...path, k])),
      ]),
    );
  }
  return document.createTextNode(String(value));
}

function checkCard(c: DiagnosticCheck): HTMLElement {
  return h(
    "li",
    { class: `check ${c.status}` },
    h(
      "h3",
      {},
      h(
        "span",
        { class: `badge ${c.status === "pass" ? "ok" : c.status === "fail" ? "bad" : "warn"}` },
        c.status,
      ),
      " ",
      c.title,
    ),
    h("p", {}, c.summary),
    c.fix ? h("p", { class: "fix" }, h("strong", {}, "Fix: "), c.fix) : null,
    Object.keys(c.evidence).length
      ? h("details", {}, h("summary", {}, "Evidence"), evidenceNode(c.evidence, [c.id]))
      : null,
    h("p", { class: "hint" }, h("code", {}, c.id)),
  );
}

export async function showDiagnostics(): Promise<void> {
  const nav = currentNavigation();
  const rerun = h(
    "button",
    { type: "button", class: "primary", onclick: () => void showDiagnostics() },
    "Run the checks again",
  );
  showView(
    nav,
    "Diagnostics",
    h("h1", {}, "Preflight diagnostics"),
    h("p", { "aria-busy": "true" }, "Running the checks…"),
  );
  let report: DiagnosticsReport;
  try {
    report = (await call<DiagnosticsReport>("GET", "/api/admin/diagnostics")).body;
  } catch (err) {
    const e = explain(err);
    showView(nav, "Diagnostics", h("h1", {}, "Preflight diagnostics"), alertBox(e.title, e.detail), rerun);
    return;
  }
  const groups: Array<{ status: DiagnosticCheck["status"]; title: string; intro: string }> = [
    {
      status: "fail",
      title: "Fix now",
      intro: "These stop users from recovering, or make a recovery unsafe.",
    },
    { status: "warn", title: "Review", intro: "Not blocking, but worth a look." },
    { status: "pass", title: "Fine", intro: "Nothing to do." },
  ];
  showView(
    nav,
    "Diagnostics",
    h("h1", {}, "Preflight diagnostics"),
    h(
      "p",
      { class: `overall ${report.status}` },
      `${report.summary.fail} to fix, ${report.summary.warn} to review, ${report.summary.pass} fine. Run ${when(report.generatedAt)}; it cost ${report.cost.graphRequests} Graph requests over ${report.cost.usersExamined} users${report.cost.truncated ? " (cut short: the tenant is larger than the configured bound)" : ""}.`,
    ),
    rerun,
    ...groups.flatMap((g) => {
      const checks = report.checks.filter((c) => c.status === g.status);
      if (checks.length === 0) return [];
      return [
        h(
          "section",
          { "aria-labelledby": `group-${g.status}` },
          h("h2", { id: `group-${g.status}` }, `${g.title} (${checks.length})`),
          h("p", { class: "hint" }, g.intro),
          h("ul", { class: "checks" }, ...checks.map(checkCard)),
        ),
      ];
    }),
  );
  announce(`Diagnostics: ${report.summary.fail} to fix, ${report.summary.warn} to review.`);
}
