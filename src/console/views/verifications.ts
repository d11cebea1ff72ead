/**
 * Verify a caller (app role Recovery.Helpdesk): the agent names the account and why, gets a
 * one-time link to give the caller (shown once; optionally mailed to the account's other
 * addresses), and reads the verdict — verified or not, the failure code, the Face Check score
 * against the threshold, the match explanation, the provider. Never a TAP: the API has none to
 * give. An admin or reader without the helpdesk role sees why the view is not theirs, and no
 * form (the API would refuse them with 403 anyway).
 */
import type { VerificationView } from "../../admin/verificationSchemas";
import { call, explain } from "../api";
import type { SignedIn } from "../auth";
import { alertBox, announce, currentNavigation, h, showView, when } from "../dom";

interface Created {
  verificationId: string;
  link: string;
  expiresAt: string;
  linkSent: boolean;
}

const STATE_TEXT: Record<VerificationView["state"], { label: string; tone: string }> = {
  link_open: { label: "link not used yet", tone: "busy" },
  link_expired: { label: "link expired", tone: "muted" },
  in_progress: { label: "in progress", tone: "busy" },
  verified: { label: "verified", tone: "ok" },
  not_verified: { label: "not verified", tone: "bad" },
};

function stateBadge(state: VerificationView["state"]): HTMLElement {
  const s = STATE_TEXT[state];
  return h("span", { class: `badge ${s.tone}` }, s.label);
}

function notForThisRole(): void {
  showView(
    currentNavigation(),
    "Verify a caller",
    h("h1", {}, "Verify a caller"),
    alertBox(
      "This view is for helpdesk agents",
      "Verifying a caller needs the app role Recovery.Helpdesk; Recovery.Admin and Recovery.Reader do not include it.",
    ),
  );
}

export async function showVerifications(user: SignedIn): Promise<void> {
  if (!user.isHelpdesk) return notForThisRole();
  const nav = currentNavigation();
  const username = h("input", {
    id: "v-username",
    name: "username",
    type: "email",
    required: true,
    autocomplete: "off",
    maxlength: 256,
  });
  const reason = h("input", {
    id: "v-reason",
    name: "reason",
    type: "text",
    required: true,
    minlength: 3,
    maxlength: 500,
  });
  const notify = h("input", { id: "v-notify", name: "notify", type: "checkbox" });
  const result = h("div", { id: "v-result", "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "primary" }, "Create verification link");
  const form = h(
    "form",
    { class: "filters", id: "verify-form" },
    h("label", { for: "v-username" }, "Caller's work account"),
    username,
    h("label", { for: "v-reason" }, "Reason (ticket number, what the caller said)"),
    reason,
    h("label", { class: "check" }, notify, " Also mail the link to the account's other mail addresses"),
    submit,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void create(
      { username: username.value.trim(), reason: reason.value.trim(), notify: notify.checked },
      submit,
      result,
    );
  });
  const list = h("div", { id: "v-list" }, h("p", {}, "Loading…"));
  showView(
    nav,
    "Verify a caller",
    h("h1", {}, "Verify a caller"),
    h(
      "p",
      {},
      "The caller proves who they are with the same identity verification as a self-service recovery. You see only the verdict; nothing on the account changes.",
    ),
    form,
    result,
    h("h2", {}, "Your recent verifications"),
    list,
  );
  try {
    const answer = await call<{ items: VerificationView[] }>(
      "GET",
      `/api/admin/verifications?agentId=${encodeURIComponent(user.oid)}&top=50`,
    );
    if (nav !== currentNavigation()) return;
    list.replaceChildren(listTable(answer.body.items));
  } catch (err) {
    const e = explain(err);
    list.replaceChildren(alertBox(e.title, e.detail));
  }
}

function listTable(items: VerificationView[]): HTMLElement {
  if (items.length === 0) return h("p", {}, "None yet.");
  const sorted = [...items].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return h(
    "div",
    { class: "scroll" },
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, "Account"),
          h("th", {}, "Created"),
          h("th", {}, "State"),
          h("th", {}, "Reason"),
        ),
      ),
      h(
        "tbody",
        {},
        ...sorted.map((v) =>
          h(
            "tr",
            {},
            h("td", {}, h("a", { href: `#/verify/${v.verificationId}` }, v.username)),
            h("td", {}, when(v.createdAt)),
            h("td", {}, stateBadge(v.state)),
            h("td", {}, v.reason),
          ),
        ),
      ),
    ),
  );
}

async function create(
  body: { username: string; reason: string; notify: boolean },
  button: HTMLButtonElement,
  result: HTMLElement,
): Promise<void> {
  button.disabled = true;
  try {
    const { body: created } = await call<Created>("POST", "/api/admin/verifications", { body });
    const link = h("input", { id: "v-link", type: "text", readonly: true, value: created.link });
    const copied = h("p", { class: "hint", role: "status" });
    result.replaceChildren(
      h(
        "div",
        { class: "notice" },
        h("h2", {}, "Give the caller this link"),
        h("p", {}, `It works once, until ${when(created.expiresAt)}. It is shown only now.`),
        created.linkSent ? h("p", {}, "It was also mailed to the account's other mail addresses.") : null,
        h("label", { for: "v-link" }, "One-time link"),
        link,
        h(
          "button",
          {
            type: "button",
            onclick: () =>
              void navigator.clipboard.writeText(created.link).then(
                () => {
                  copied.textContent = "Copied.";
                },
                () => {
                  link.select();
                  copied.textContent = "Select the link and copy it.";
                },
              ),
          },
          "Copy link",
        ),
        copied,
        h(
          "p",
          {},
          h("a", { href: `#/verify/${created.verificationId}`, id: "v-open" }, "Follow the verdict"),
        ),
      ),
    );
    announce("Verification link created.");
  } catch (err) {
    const e = explain(err);
    result.replaceChildren(alertBox(e.title, e.detail));
  } finally {
    button.disabled = false;
  }
}

export async function showVerification(user: SignedIn, id: string): Promise<void> {
  if (!user.isHelpdesk) return notForThisRole();
  const nav = currentNavigation();
  showView(nav, "Verification", h("h1", {}, "Verification"), h("p", {}, "Loading…"));
  let v: VerificationView;
  try {
    v = (await call<VerificationView>("GET", `/api/admin/verifications/${encodeURIComponent(id)}`)).body;
  } catch (err) {
    const e = explain(err);
    showView(nav, "Verification", h("h1", {}, "Verification"), alertBox(e.title, e.detail));
    return;
  }
  if (nav !== currentNavigation()) return;
  const facts: Array<[string, Node | string]> = [
    ["Verdict", stateBadge(v.state)],
    ["Account", v.username],
    ["Reason", v.reason],
    ["Asked by", v.agentName ? `${v.agentName} (${v.agentId})` : v.agentId],
    ["Created", when(v.createdAt)],
    ["Link valid until", when(v.expiresAt)],
    ["Link mailed", v.linkSentAt ? when(v.linkSentAt) : "no"],
    ["Opened by the caller", v.redeemedAt ? when(v.redeemedAt) : "not yet"],
  ];
  const d = v.verdict;
  if (d) {
    facts.push(["Flow status", d.status.replace(/_/g, " ")]);
    if (d.failure) facts.push(["Failure", `${d.failure.code}: ${d.failure.message}`]);
    if (d.failureReason) facts.push(["Why", d.failureReason]);
    if (d.faceCheck) {
      const { score, threshold } = d.faceCheck;
      facts.push([
        "Face Check",
        score === null
          ? `no score reported (threshold ${threshold ?? "–"})`
          : `score ${score} against threshold ${threshold ?? "–"}`,
      ]);
    }
    if (d.match)
      facts.push([
        "Profile match",
        `${d.match.matched ? "matched" : "not matched"}${d.match.mode ? ` (${d.match.mode})` : ""}${d.match.explanation ? `: ${d.match.explanation}` : ""}`,
      ]);
    facts.push(["Provider", d.provider ?? "–"]);
    facts.push(["Started", when(d.startedAt)]);
    facts.push(["Finished", d.finishedAt ? when(d.finishedAt) : "still running"]);
  }
  showView(
    nav,
    "Verification",
    h("p", {}, h("a", { href: "#/verify" }, "← Verify a caller")),
    h("h1", {}, `Verification of ${v.username}`),
    h(
      "dl",
      { class: "facts", id: "verdict" },
      ...facts.flatMap(([k, val]) => [h("dt", {}, k), h("dd", {}, val)]),
    ),
    h(
      "button",
      { type: "button", id: "v-refresh", onclick: () => void showVerification(user, id) },
      "Refresh",
    ),
  );
}
