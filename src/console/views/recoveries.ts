/**
 * Recoveries: the list with the API's filters (status, started from/to, page size) and its
 * continuation-token paging, an export of the current filter as JSON Lines (every page), and
 * one recovery's detail as a timeline of its audit trail. Only what the API shows is shown:
 * the API builds both answers field by field and never includes a secret.
 */
import type { RecoveryDetail, RecoverySummary } from "../../admin/schemas";
import { RECOVERY_STATUSES } from "../../recovery/status";
import { call, explain } from "../api";
import { alertBox, announce, currentNavigation, h, showView, when } from "../dom";

interface ListAnswer {
  items: RecoverySummary[];
  continuationToken?: string;
}

/** Filters as they appear in the route (`#/recoveries?status=failed&from=…`). */
function filtersOf(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ["status", "from", "to", "top", "page"]) {
    const v = params.get(key);
    if (v) out[key] = v;
  }
  return out;
}

/** `datetime-local` (the admin's zone) ⇄ the API's ISO instants. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : "");
const toLocalInput = (iso: string | undefined) => {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

function apiQuery(filters: Record<string, string>, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const key of ["status", "from", "to", "top"]) {
    const value = filters[key];
    if (value) q.set(key, value);
  }
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}

export function statusBadge(status: string): HTMLElement {
  const tone =
    status === "recovered" || status === "evaluation_passed"
      ? "ok"
      : status === "failed" || status === "expired" || status === "not_eligible"
        ? "bad"
        : status === "cancelled"
          ? "muted"
          : "busy";
  return h("span", { class: `badge ${tone}` }, status.replace(/_/g, " "));
}

export async function showRecoveries(params: URLSearchParams): Promise<void> {
  const nav = currentNavigation();
  const filters = filtersOf(params);
  const status = h(
    "select",
    { id: "f-status", name: "status" },
    h("option", { value: "" }, "Any status"),
    ...RECOVERY_STATUSES.map((s) =>
      h("option", { value: s, selected: filters.status === s }, s.replace(/_/g, " ")),
    ),
  );
  const from = h("input", {
    id: "f-from",
    name: "from",
    type: "datetime-local",
    value: toLocalInput(filters.from),
  });
  const to = h("input", { id: "f-to", name: "to", type: "datetime-local", value: toLocalInput(filters.to) });
  const top = h(
    "select",
    { id: "f-top", name: "top" },
    ...["25", "100", "500"].map((n) => h("option", { value: n, selected: (filters.top ?? "25") === n }, n)),
  );
  const form = h(
    "form",
    {
      class: "filters",
      "aria-label": "Filter recoveries",
      onsubmit: (e: Event) => {
        e.preventDefault();
        const next = new URLSearchParams();
        if (status.value) next.set("status", status.value);
        if (from.value) next.set("from", toIso(from.value));
        if (to.value) next.set("to", toIso(to.value));
        next.set("top", top.value);
        location.hash = `#/recoveries?${next.toString()}`;
      },
    },
    h("div", { class: "field" }, h("label", { for: "f-status" }, "Status"), status),
    h("div", { class: "field" }, h("label", { for: "f-from" }, "Started from"), from),
    h("div", { class: "field" }, h("label", { for: "f-to" }, "Started before"), to),
    h("div", { class: "field" }, h("label", { for: "f-top" }, "Per page"), top),
    h("div", { class: "field actions" }, h("button", { type: "submit", class: "primary" }, "Apply filters")),
  );
  const results = h("div", { id: "results" }, h("p", {}, "Loading…"));
  const exportButton = h(
    "button",
    { type: "button", onclick: () => void exportJsonLines(filters, exportButton) },
    "Export as JSON Lines",
  );
  showView(
    nav,
    "Recoveries",
    h("h1", {}, "Recoveries"),
    form,
    h("div", { class: "toolbar" }, exportButton),
    results,
  );
  const withTop = { ...filters, top: filters.top ?? "25" };
  const pageToken = filters.page;
  let answer: ListAnswer;
  try {
    answer = (
      await call<ListAnswer>(
        "GET",
        `/api/admin/recoveries${apiQuery(withTop, pageToken ? { continuationToken: pageToken } : {})}`,
      )
    ).body;
  } catch (err) {
    const e = explain(err);
    results.replaceChildren(alertBox(e.title, e.detail));
    return;
  }
  if (answer.items.length === 0) {
    results.replaceChildren(h("p", {}, "No recovery matches these filters."));
    announce("No recovery matches these filters.");
    return;
  }
  const table = h(
    "table",
    {},
    h(
      "caption",
      {},
      `${answer.items.length} recoveries${answer.continuationToken ? " (more on the next page)" : ""}`,
    ),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ...["Started", "Account", "Status", "Failure", "Profile", "Provider", "Country"].map((c) =>
          h("th", { scope: "col" }, c),
        ),
      ),
    ),
    h(
      "tbody",
      {},
      ...answer.items.map((r) =>
        h(
          "tr",
          {},
          h("td", {}, h("a", { href: `#/recoveries/${r.recoveryId}` }, when(r.createdAt))),
          h("td", {}, r.username),
          h("td", {}, statusBadge(r.status)),
          h("td", {}, r.failure?.code ?? ""),
          h("td", {}, r.profileId ?? ""),
          h("td", {}, r.provider ?? ""),
          h("td", {}, r.country ?? ""),
        ),
      ),
    ),
  );
  const paging = h("nav", { class: "paging", "aria-label": "Pages" });
  if (pageToken) {
    paging.append(h("a", { href: `#/recoveries?${new URLSearchParams(withTop).toString()}` }, "First page"));
  }
  if (answer.continuationToken) {
    paging.append(
      h(
        "a",
        {
          href: `#/recoveries?${new URLSearchParams({ ...withTop, page: answer.continuationToken }).toString()}`,
        },
        "Next page",
      ),
    );
  }
  results.replaceChildren(h("div", { class: "scroll" }, table), paging);
  announce(`${answer.items.length} recoveries shown.`);
}

/** Every page of the current filter as JSON Lines (the API's own export), saved as a file. */
async function exportJsonLines(filters: Record<string, string>, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  announce("Exporting…");
  try {
    const lines: string[] = [];
    let token: string | undefined;
    do {
      const res = await call<string>(
        "GET",
        `/api/admin/recoveries${apiQuery({ ...filters, top: "1000" }, { format: "jsonl", ...(token ? { continuationToken: token } : {}) })}`,
        { text: true, headers: { accept: "application/x-ndjson" } },
      );
      lines.push(res.body);
      token = res.headers.get("x-continuation-token") ?? undefined;
    } while (token);
    const blob = new Blob(lines, { type: "application/x-ndjson" });
    const url = URL.createObjectURL(blob);
    const a = h("a", {
      href: url,
      download: `recoveries-${new Date().toISOString().slice(0, 19).replace(/:/g, "")}.jsonl`,
    });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    announce("Export ready.");
  } catch (err) {
    const e = explain(err);
    announce(`${e.title}. ${e.detail}`);
  } finally {
    button.disabled = false;
  }
}

/** What an audit entry says, in a line (the step's own explanation where it has one). */
function describeEntry(e: RecoveryDetail["audit"][number]): string {
  const d = e.detail ?? {};
  const parts: string[] = [];
  for (const key of [
    "reason",
    "explanation",
    "provider",
    "profileId",
    "mode",
    "faceCheckScore",
    "faceCheckThreshold",
    "methodsRemoved",
    "detail",
  ]) {
    const v = d[key];
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") parts.push(`${key}: ${v}`);
  }
  return parts.join(" · ");
}

export async function showRecovery(id: string): Promise<void> {
  const nav = currentNavigation();
  showView(nav, "Recovery", h("h1", {}, "Recovery"), h("p", {}, "Loading…"));
  let r: RecoveryDetail;
  try {
    r = (await call<RecoveryDetail>("GET", `/api/admin/recoveries/${encodeURIComponent(id)}`)).body;
  } catch (err) {
    const e = explain(err);
    showView(
      nav,
      "Recovery",
      h("h1", {}, "Recovery"),
      alertBox(e.title, e.detail),
      h("p", {}, h("a", { href: "#/recoveries" }, "Back to the list")),
    );
    return;
  }
  const facts: Array<[string, Node | string]> = [
    ["Recovery id", h("code", {}, r.recoveryId)],
    ["Account", r.username],
    ["Directory object id", r.userId ? h("code", {}, r.userId) : "–"],
    ["Status", statusBadge(r.status)],
    ["Started", when(r.createdAt)],
    ["Last change", when(r.updatedAt)],
    ["Profile", r.profileId ? `${r.profileId}${r.mode ? ` (${r.mode})` : ""}` : "–"],
    ["Provider", r.provider ?? "–"],
    ["Country", r.country ?? "–"],
    ["Client address", r.clientAddress],
  ];
  if (r.failure) facts.push(["Failure", `${r.failure.code}: ${r.failure.message}`]);
  if (r.failureReason) facts.push(["Why", r.failureReason]);
  if (r.faceCheck) {
    const { score, threshold } = r.faceCheck;
    const limit = `threshold ${threshold ?? "–"}`;
    facts.push([
      "Face Check",
      score === null
        ? `no score reported (${limit})`
        : `score ${score} (${limit})${threshold === null ? "" : score >= threshold ? ", passed" : ", below the threshold"}`,
    ]);
  }
  if (r.match)
    facts.push([
      "Profile match",
      `${r.match.matched ? "matched" : "not matched"}${r.match.mode ? ` (${r.match.mode})` : ""}${r.match.explanation ? `: ${r.match.explanation}` : ""}`,
    ]);
  if (r.methodsRemoved !== undefined) facts.push(["Methods removed", String(r.methodsRemoved)]);
  if (r.methodsRemaining?.length)
    facts.push(["Methods left", r.methodsRemaining.map((m) => m.type).join(", ")]);
  if (r.sessionsRevokedAt) facts.push(["Sessions revoked", when(r.sessionsRevokedAt)]);
  if (r.tapIssuedAt) facts.push(["TAP issued", when(r.tapIssuedAt)]);

  const timeline = h(
    "ol",
    { class: "timeline" },
    ...r.audit.map((e) =>
      h(
        "li",
        { class: `entry ${e.outcome}` },
        h("time", { datetime: e.at }, when(e.at)),
        h("span", { class: "step" }, e.event.replace(/_/g, " ")),
        h("span", { class: `outcome ${e.outcome}` }, e.outcome),
        e.code ? h("code", {}, e.code) : null,
        describeEntry(e) ? h("p", { class: "explain" }, describeEntry(e)) : null,
      ),
    ),
  );
  showView(
    nav,
    "Recovery",
    h("p", {}, h("a", { href: "#/recoveries" }, "← All recoveries")),
    h("h1", {}, `Recovery of ${r.username}`),
    h("dl", { class: "facts" }, ...facts.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    h("h2", {}, "Timeline"),
    r.audit.length ? timeline : h("p", {}, "No audit entries."),
  );
}
