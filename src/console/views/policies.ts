/**
 * Policies: the profiles and the global exclusion list as forms, validated in the browser by
 * the schema the API validates with (`recovery/policy`), saved with `If-Match`. A 412 (someone
 * saved meanwhile) shows what they changed and lets the admin reload or re-apply their own
 * edits on top; delete asks first, and the API's 409 `last_profile` is explained. A Reader sees
 * the same forms disabled. Fields the form does not show (bindings, the claim-validation
 * callout, relaxed-match tolerance) are kept as they were read. An Admin creates a profile with
 * the same form (`#/policies/_new`, a route no profile id can take), sent with
 * `If-None-Match: *` so an existing id is the API's 412, never an overwrite.
 */
import type { z } from "zod";
import type { GroupNames } from "../../admin/schemas";
import {
  type GlobalExclusions,
  globalExclusionsSchema,
  type PolicyProfile,
  policyProfileSchema,
} from "../../recovery/policy";
import { ApiError, call, explain } from "../api";
import type { SignedIn } from "../auth";
import { alertBox, announce, byId, currentNavigation, h, showView, when } from "../dom";

interface Versioned<T> {
  value: T;
  etag: string;
  source: "seed" | "admin";
  updatedAt: string;
}
interface PolicyList {
  profiles: Versioned<PolicyProfile>[];
  globalExclusions: Versioned<GlobalExclusions>;
}

/** The new-profile form's route segment: profile ids start with a letter or digit, so none is `_new`. */
const NEW_PROFILE = "_new";

export async function showPolicies(user: SignedIn, id?: string): Promise<void> {
  if (id === "exclusions") return showExclusions(user);
  if (id === NEW_PROFILE) return showNewProfile(user);
  if (id) return showProfile(user, id);
  const nav = currentNavigation();
  showView(nav, "Policies", h("h1", {}, "Policies"), h("p", {}, "Loading…"));
  let list: PolicyList;
  try {
    list = (await call<PolicyList>("GET", "/api/admin/policies")).body;
  } catch (err) {
    const e = explain(err);
    showView(nav, "Policies", h("h1", {}, "Policies"), alertBox(e.title, e.detail));
    return;
  }
  const rows = [...list.profiles].sort(
    (a, b) => a.value.priority - b.value.priority || a.value.id.localeCompare(b.value.id),
  );
  showView(
    nav,
    "Policies",
    h("h1", {}, "Policies"),
    user.canWrite ? null : readOnlyNote(),
    h(
      "p",
      {},
      "A user recovers under the profile with the lowest priority number among those whose groups include them; the global exclusions win over every profile.",
    ),
    user.canWrite
      ? h("p", {}, h("a", { href: `#/policies/${NEW_PROFILE}`, class: "button primary" }, "Create a profile"))
      : null,
    h(
      "div",
      { class: "scroll" },
      h(
        "table",
        {},
        h("caption", {}, `${rows.length} profiles`),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["Profile", "Priority", "Mode", "Groups in", "Face Check", "Source", "Last change"].map((c) =>
              h("th", { scope: "col" }, c),
            ),
          ),
        ),
        h(
          "tbody",
          {},
          ...rows.map((p) =>
            h(
              "tr",
              {},
              h(
                "td",
                {},
                h(
                  "a",
                  { href: `#/policies/${encodeURIComponent(p.value.id)}` },
                  `${p.value.displayName} (${p.value.id})`,
                ),
              ),
              h("td", {}, String(p.value.priority)),
              h("td", {}, p.value.mode),
              h("td", {}, String(p.value.includeGroups.length)),
              h("td", {}, p.value.faceCheck === false ? "off" : `≥ ${p.value.faceCheckThreshold}`),
              h("td", {}, p.source),
              h("td", {}, when(p.updatedAt)),
            ),
          ),
        ),
      ),
    ),
    h("h2", {}, "Global exclusions"),
    h(
      "p",
      {},
      `${list.globalExclusions.value.groups.length} groups and ${list.globalExclusions.value.users.length} users can never recover here. `,
      h("a", { href: "#/policies/exclusions" }, "Review the global exclusions"),
    ),
  );
}

function readOnlyNote(): HTMLElement {
  return h(
    "p",
    { class: "note", id: "read-only" },
    "Read only: your role is Recovery.Reader. Changes need Recovery.Admin.",
  );
}

// ---------- form plumbing ----------

interface FieldSpec {
  /** Path in the schema (first segment). */
  key: string;
  label: string;
  hint?: string;
  input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  /** A list of group object ids: their display names are shown under the field. */
  groups?: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The display names of the ids in a group field, read through the admin API. */
async function showGroupNames(input: FieldSpec["input"], list: HTMLElement): Promise<void> {
  const ids = lines(input.value);
  if (ids.length === 0) {
    list.replaceChildren();
    return;
  }
  const valid = [...new Set(ids.filter((id) => GUID.test(id)).map((id) => id.toLowerCase()))].slice(0, 100);
  let names = new Map<string, string | null>();
  try {
    if (valid.length > 0) {
      const res = await call<GroupNames>("GET", `/api/admin/groups?ids=${valid.join(",")}`);
      names = new Map(res.body.groups.map((g) => [g.id, g.displayName]));
    }
  } catch {
    list.replaceChildren(h("li", { class: "hint" }, "Group names could not be read."));
    return;
  }
  list.replaceChildren(
    ...ids.map((id) => {
      const name = names.get(id.toLowerCase());
      if (!GUID.test(id)) return h("li", { class: "error" }, `${id}: not a group object id`);
      if (name === null || name === undefined)
        return h("li", { class: "error" }, `${id}: no such group in the directory`);
      return h("li", {}, h("strong", {}, name), " ", h("code", {}, id));
    }),
  );
}

function field(spec: FieldSpec): HTMLElement {
  const id = `p-${spec.key}`;
  spec.input.id = id;
  spec.input.name = spec.key;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const namesId = `${id}-names`;
  spec.input.setAttribute(
    "aria-describedby",
    `${spec.hint ? `${hintId} ` : ""}${errorId}${spec.groups ? ` ${namesId}` : ""}`,
  );
  const names = spec.groups ? h("ul", { class: "group-names", id: namesId, "aria-live": "polite" }) : null;
  if (names) {
    void showGroupNames(spec.input, names);
    spec.input.addEventListener("change", () => void showGroupNames(spec.input, names));
  }
  const isCheck = spec.input instanceof HTMLInputElement && spec.input.type === "checkbox";
  return h(
    "div",
    { class: isCheck ? "field checkbox" : "field", "data-field": spec.key },
    isCheck ? spec.input : null,
    h("label", { for: id }, spec.label),
    isCheck ? null : spec.input,
    spec.hint ? h("p", { class: "hint", id: hintId }, spec.hint) : null,
    names,
    h("p", { class: "error", id: errorId }),
  );
}

const lines = (text: string) =>
  text
    .split(/\r?\n|,/)
    .map((s) => s.trim())
    .filter(Boolean);

/** Clears what showIssues marked. */
function clearIssues(form: HTMLFormElement): void {
  for (const el of Array.from(form.querySelectorAll<HTMLElement>("[aria-invalid]")))
    el.removeAttribute("aria-invalid");
  for (const el of Array.from(form.querySelectorAll<HTMLElement>(".error"))) el.textContent = "";
}

/** A problem with one field: the schema's issue, or the API's answer about a field. */
type FieldIssue = Pick<z.core.$ZodIssue, "path" | "message">;

/** Shows the issues beside their fields and in a summary with links; focuses the summary. */
function showIssues(
  form: HTMLFormElement,
  summary: HTMLElement,
  issues: FieldIssue[],
  heading = "Fix these before saving",
): void {
  clearIssues(form);
  const items: HTMLElement[] = [];
  for (const issue of issues) {
    // Countries live in their own field; the default provider in the "providers" one.
    const key =
      issue.path[0] === "providers" && issue.path[1] === "byCountry"
        ? "byCountry"
        : String(issue.path[0] ?? "");
    const box = form.querySelector<HTMLElement>(`[data-field="${CSS.escape(key)}"]`);
    const input = box?.querySelector<HTMLElement>("input, select, textarea");
    const where = issue.path.length ? issue.path.join(".") : "(form)";
    if (box && input) {
      input.setAttribute("aria-invalid", "true");
      const error = box.querySelector(".error");
      if (error) error.textContent = issue.message;
      items.push(
        h(
          "li",
          {},
          h(
            "a",
            {
              href: `#${input.id}`,
              onclick: (e: Event) => {
                e.preventDefault();
                input.focus();
              },
            },
            `${box.querySelector("label")?.textContent ?? where}: ${issue.message}`,
          ),
        ),
      );
    } else {
      items.push(h("li", {}, `${where}: ${issue.message}`));
    }
  }
  summary.replaceChildren(h("h2", {}, heading), h("ul", {}, ...items));
  summary.hidden = false;
  summary.focus();
}

/** Field-by-field differences between two JSON values (`a.b: x → y`). */
export function differences(before: unknown, after: unknown, path = ""): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => differences(before[k], after[k], path ? `${path}.${k}` : k));
  }
  const show = (v: unknown) => (v === undefined ? "(none)" : JSON.stringify(v));
  return [`${path || "(all)"}: ${show(before)} → ${show(after)}`];
}

/** `theirs` with the top-level fields `mine` changed from `base` (a delete conflict has no `mine`: theirs). */
export function reapply(base: unknown, mine: unknown, theirs: unknown): unknown {
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObj(base) || !isObj(mine) || !isObj(theirs)) return mine ?? theirs;
  const merged: Record<string, unknown> = { ...theirs };
  for (const key of new Set([...Object.keys(base), ...Object.keys(mine)])) {
    if (JSON.stringify(base[key]) === JSON.stringify(mine[key])) continue;
    if (mine[key] === undefined) delete merged[key];
    else merged[key] = mine[key];
  }
  return merged;
}

interface Editor<T> {
  title: string;
  path: string;
  schema: { safeParse(v: unknown): z.ZodSafeParseResult<T> };
  fields(value: T): FieldSpec[];
  read(base: T, form: HTMLFormElement): unknown;
  canDelete: boolean;
  /**
   * A form for a new item instead: starts from `blank`, PUTs to `pathOf` the validated value
   * with `If-None-Match: *` (the API answers 412 if it exists), then shows `routeOf` it.
   */
  create?: { blank: T; pathOf(value: T): string; routeOf(value: T): string };
}

/** One versioned item's form: validate, save with If-Match (or create), 412 and 409 handled. */
async function showEditor<T>(user: SignedIn, editor: Editor<T>): Promise<void> {
  const nav = currentNavigation();
  showView(nav, editor.title, h("h1", {}, editor.title), h("p", {}, "Loading…"));
  let loaded: { body: T; etag: string | undefined };
  try {
    loaded = editor.create
      ? { body: editor.create.blank, etag: undefined }
      : await call<T>("GET", editor.path);
  } catch (err) {
    const e = explain(err);
    showView(
      nav,
      editor.title,
      h("p", {}, h("a", { href: "#/policies" }, "← Policies")),
      h("h1", {}, editor.title),
      alertBox(e.title, e.detail),
    );
    return;
  }
  let base = loaded.body;
  let etag = loaded.etag ?? "";
  const summary = h("div", { class: "alert", role: "alert", tabindex: "-1", hidden: true });
  const conflict = h("div", { class: "conflict", hidden: true });
  const specs = editor.fields(base);
  const fieldset = h(
    "fieldset",
    { disabled: !user.canWrite },
    h("legend", { class: "visually-hidden" }, editor.title),
    ...specs.map(field),
  );
  const save = h(
    "button",
    { type: "submit", class: "primary" },
    editor.create ? "Create profile" : "Save changes",
  );
  const form = h("form", { novalidate: true, "aria-label": editor.title }, fieldset);
  const saveWith = async (ifMatch: string, value: T): Promise<boolean> => {
    save.disabled = true;
    try {
      if (editor.create) {
        // Only a create: an item with this id already there is the API's 412, never replaced.
        const res = await call<T>("PUT", editor.create.pathOf(value), {
          body: value,
          headers: { "if-none-match": "*" },
        });
        announce("Created.");
        location.hash = editor.create.routeOf(res.body);
        return true;
      }
      const res = await call<T>("PUT", editor.path, { body: value, headers: { "if-match": ifMatch } });
      base = res.body;
      etag = res.etag ?? etag;
      conflict.hidden = true;
      summary.hidden = true;
      announce("Saved.");
      byId("saved").textContent = `Saved at ${new Date().toLocaleTimeString()}.`;
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 412 && editor.create) {
        // The API's answer to a create whose id is taken, beside the id.
        showIssues(
          form,
          summary,
          [{ path: ["id"], message: err.detail ?? err.title }],
          "The API refused the change",
        );
      } else if (err instanceof ApiError && err.status === 412) await showConflict(value);
      else if (err instanceof ApiError && err.status === 400) {
        summary.replaceChildren(
          h("h2", {}, "The API refused the change"),
          h("p", {}, err.detail ?? err.title),
        );
        summary.hidden = false;
        summary.focus();
      } else {
        const e = explain(err);
        summary.replaceChildren(h("h2", {}, e.title), h("p", {}, e.detail));
        summary.hidden = false;
        summary.focus();
      }
      return false;
    } finally {
      save.disabled = false;
    }
  };
  /** Someone saved since we read: say what they changed, offer reload or re-apply. */
  const showConflict = async (mine: unknown) => {
    let theirs: { body: T; etag: string | undefined };
    try {
      theirs = await call<T>("GET", editor.path);
    } catch (err) {
      const e = explain(err);
      conflict.replaceChildren(
        alertBox("This item changed or was deleted meanwhile", `${e.title}. ${e.detail}`),
      );
      conflict.hidden = false;
      return;
    }
    const changed = differences(base, theirs.body);
    conflict.replaceChildren(
      h("h2", { tabindex: "-1" }, "Someone else saved this meanwhile"),
      h("p", {}, "Your changes were not saved. What changed since you opened the form:"),
      h(
        "ul",
        {},
        ...(changed.length ? changed : ["(nothing visible: only its version changed)"]).map((c) =>
          h("li", {}, h("code", {}, c)),
        ),
      ),
      h(
        "div",
        { class: "actions" },
        h(
          "button",
          { type: "button", onclick: () => void showEditor(user, editor) },
          "Reload (discard my edits)",
        ),
        mine === undefined
          ? null
          : h(
              "button",
              {
                type: "button",
                class: "primary",
                onclick: () => {
                  // Only what this admin changed goes on top of the other admin's version.
                  const merged = reapply(base, mine, theirs.body);
                  base = theirs.body;
                  const parsed = editor.schema.safeParse(merged);
                  if (!parsed.success) {
                    showIssues(form, summary, parsed.error.issues);
                    return;
                  }
                  void saveWith(theirs.etag ?? "", parsed.data).then(async (saved) => {
                    if (saved) await showEditor(user, editor);
                  });
                },
              },
              "Re-apply my changes",
            ),
      ),
    );
    conflict.hidden = false;
    conflict.querySelector<HTMLElement>("h2")?.focus();
    announce("Not saved: someone else saved this meanwhile.");
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const candidate = editor.read(base, form);
    const parsed = editor.schema.safeParse(candidate);
    if (!parsed.success) {
      showIssues(form, summary, parsed.error.issues);
      return;
    }
    summary.hidden = true;
    clearIssues(form);
    void saveWith(etag, parsed.data);
  });
  const remove = async () => {
    const dialog = h(
      "dialog",
      { "aria-labelledby": "confirm-title" },
      h("h2", { id: "confirm-title" }, `Delete ${editor.title}?`),
      h("p", {}, "Users this profile covers will be out of scope until another profile includes them."),
      h(
        "form",
        { method: "dialog", class: "actions" },
        h("button", { value: "cancel", autofocus: true }, "Keep it"),
        h("button", { value: "delete", class: "danger" }, "Delete"),
      ),
    );
    document.body.append(dialog);
    dialog.showModal();
    const answer = await new Promise<string>((resolve) =>
      dialog.addEventListener("close", () => resolve(dialog.returnValue), { once: true }),
    );
    dialog.remove();
    if (answer !== "delete") {
      byId("delete").focus();
      return;
    }
    try {
      await call("DELETE", editor.path, { headers: { "if-match": etag } });
      announce("Deleted.");
      location.hash = "#/policies";
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.code === "last_profile") {
        summary.replaceChildren(
          h("h2", {}, "This is the last profile"),
          h(
            "p",
            {},
            "The service needs at least one profile to decide who may recover, so the last one cannot be deleted. Change it instead, or add another profile first.",
          ),
        );
      } else if (err instanceof ApiError && err.status === 412) {
        await showConflict(undefined);
        return;
      } else {
        const e = explain(err);
        summary.replaceChildren(h("h2", {}, e.title), h("p", {}, e.detail));
      }
      summary.hidden = false;
      summary.focus();
    }
  };
  if (user.canWrite) {
    form.append(
      h(
        "div",
        { class: "actions" },
        save,
        editor.canDelete
          ? h(
              "button",
              { type: "button", id: "delete", class: "danger", onclick: () => void remove() },
              "Delete profile",
            )
          : null,
        h("span", { id: "saved", class: "hint", role: "status" }),
      ),
    );
  }
  showView(
    nav,
    editor.title,
    h("p", {}, h("a", { href: "#/policies" }, "← Policies")),
    h("h1", {}, editor.title),
    user.canWrite ? null : readOnlyNote(),
    summary,
    conflict,
    form,
  );
}

function byName<T extends HTMLElement>(form: HTMLFormElement, name: string): T {
  const el = form.elements.namedItem(name);
  if (!el) throw new TypeError(`no field ${name}`);
  return el as unknown as T;
}
const value = (form: HTMLFormElement, name: string) => byName<HTMLInputElement>(form, name).value;
const numberOf = (form: HTMLFormElement, name: string) => {
  const v = value(form, name).trim();
  return v === "" ? Number.NaN : Number(v);
};
const checked = (form: HTMLFormElement, name: string) => byName<HTMLInputElement>(form, name).checked;

// ---------- the fields, each built once ----------

function textField(key: string, label: string, value: string, hint?: string): FieldSpec {
  return {
    key,
    label,
    ...(hint ? { hint } : {}),
    input: h("input", { type: "text", value, maxlength: 128, autocomplete: "off" }),
  };
}

function selectField(
  key: string,
  label: string,
  hint: string,
  options: string[],
  current: string,
): FieldSpec {
  return {
    key,
    label,
    hint,
    input: h("select", {}, ...options.map((o) => h("option", { value: o, selected: o === current }, o))),
  };
}

function checkboxField(key: string, label: string, checked: boolean): FieldSpec {
  return { key, label, input: h("input", { type: "checkbox", checked }) };
}

/** Group object ids, one per line, with their display names read through the API. */
function groupsField(key: string, label: string, hint: string, ids: string[], rows: number): FieldSpec {
  return { key, label, hint, input: h("textarea", { rows }, ids.join("\n")), groups: true };
}

type NumberKey =
  | "priority"
  | "faceCheckThreshold"
  | "idvTimeoutMinutes"
  | "presentationTimeoutMinutes"
  | "tapLifetimeMinutes"
  | "cooldownMinutes";

/** A number field whose bounds and step are the API schema's (one source: hint, min/max, validation). */
function numberField(p: PolicyProfile, key: NumberKey, label: string, note = "."): FieldSpec {
  const bounds = policyProfileSchema.shape[key].unwrap();
  const min = bounds.minValue ?? 0;
  const max = bounds.maxValue ?? Number.MAX_SAFE_INTEGER;
  const step = bounds.isInt ? 1 : 0.1;
  return {
    key,
    label,
    hint: `${min}–${max}${note}`,
    input: h("input", {
      type: "number",
      value: String(p[key]),
      min,
      max,
      step,
      inputmode: bounds.isInt ? "numeric" : "decimal",
    }),
  };
}

/** The profile form's fields; a new profile's start with its id. */
function profileFields(p: PolicyProfile, withId: boolean): FieldSpec[] {
  return [
    withId
      ? textField(
          "id",
          "Profile id",
          p.id,
          "Letters, digits, - and _ (up to 64), starting with a letter or digit; it cannot be changed later.",
        )
      : null,
    textField("displayName", "Display name", p.displayName),
    numberField(
      p,
      "priority",
      "Priority",
      "; the lowest number wins among the profiles that include a user.",
    ),
    selectField(
      "mode",
      "Mode",
      "Evaluation stops after the match and changes nothing in the directory.",
      ["evaluation", "production"],
      p.mode,
    ),
    groupsField(
      "includeGroups",
      "Included groups",
      "Group object ids, one per line (1–100).",
      p.includeGroups,
      3,
    ),
    groupsField(
      "excludeGroups",
      "Excluded groups",
      "Group object ids, one per line (up to 100).",
      p.excludeGroups,
      2,
    ),
    textField(
      "providers",
      "Default identity verification provider",
      p.providers.default ?? "",
      "Used for every country not listed below; empty: none.",
    ),
    {
      key: "byCountry",
      label: "Providers per country",
      hint: "One per line: country code = provider, e.g. FR = idemia.",
      input: h(
        "textarea",
        { rows: 3 },
        Object.entries(p.providers.byCountry)
          .map(([c, v]) => `${c} = ${v}`)
          .join("\n"),
      ),
    },
    selectField(
      "nameMatch",
      "Name match",
      "exact, or relaxed (cross-field, extra words allowed).",
      ["exact", "relaxed"],
      p.nameMatch,
    ),
    checkboxField("faceCheck", "Face Check required", p.faceCheck !== false),
    numberField(p, "faceCheckThreshold", "Face Check threshold", ": the lowest score accepted."),
    numberField(p, "idvTimeoutMinutes", "Identity verification timeout (minutes)"),
    numberField(p, "presentationTimeoutMinutes", "Presentation timeout (minutes)"),
    numberField(
      p,
      "tapLifetimeMinutes",
      "Temporary Access Pass lifetime (minutes)",
      ", within the tenant's TAP policy.",
    ),
    checkboxField("tapUsableOnce", "Temporary Access Pass usable once", p.tapUsableOnce),
    numberField(p, "cooldownMinutes", "Cooldown between recoveries (minutes)"),
  ].filter((f): f is FieldSpec => f !== null);
}

/** The form's values over `base` (fields the form does not show keep their values). */
function readProfile(base: PolicyProfile, form: HTMLFormElement): unknown {
  const byCountry: Record<string, string> = {};
  for (const line of value(form, "byCountry").split(/\r?\n/)) {
    if (!line.trim()) continue;
    const [country = "", provider = ""] = line.split("=").map((s) => s.trim());
    byCountry[country] = provider;
  }
  const defaultProvider = value(form, "providers").trim();
  const { faceCheck: _f, ...rest } = base;
  return {
    ...rest,
    // A new profile's id is the admin's, as typed: the schema judges it as the API will.
    ...(form.elements.namedItem("id") ? { id: value(form, "id") } : {}),
    ...(checked(form, "faceCheck") ? {} : { faceCheck: false }),
    displayName: value(form, "displayName"),
    priority: numberOf(form, "priority"),
    mode: value(form, "mode"),
    includeGroups: lines(value(form, "includeGroups")),
    excludeGroups: lines(value(form, "excludeGroups")),
    providers: { ...(defaultProvider ? { default: defaultProvider } : {}), byCountry },
    nameMatch: value(form, "nameMatch"),
    faceCheckThreshold: numberOf(form, "faceCheckThreshold"),
    idvTimeoutMinutes: numberOf(form, "idvTimeoutMinutes"),
    presentationTimeoutMinutes: numberOf(form, "presentationTimeoutMinutes"),
    tapLifetimeMinutes: numberOf(form, "tapLifetimeMinutes"),
    tapUsableOnce: checked(form, "tapUsableOnce"),
    cooldownMinutes: numberOf(form, "cooldownMinutes"),
  };
}

const profilePath = (id: string) => `/api/admin/policies/${encodeURIComponent(id)}`;

async function showProfile(user: SignedIn, id: string): Promise<void> {
  await showEditor<PolicyProfile>(user, {
    title: `Profile ${id}`,
    path: profilePath(id),
    schema: policyProfileSchema,
    canDelete: true,
    fields: (p) => profileFields(p, false),
    read: readProfile,
  });
}

/**
 * A new profile starts from the schema's defaults (so the form and the API agree on them),
 * with what has no default — id, display name, included groups — left for the admin.
 */
function blankProfile(): PolicyProfile {
  const defaults = policyProfileSchema.parse({
    id: "new",
    displayName: "new",
    includeGroups: ["00000000-0000-0000-0000-000000000000"],
  });
  return { ...defaults, id: "", displayName: "", includeGroups: [] };
}

async function showNewProfile(user: SignedIn): Promise<void> {
  const title = "New profile";
  if (!user.canWrite) {
    // The API would refuse the write (403) too; a Reader is not offered the form.
    showView(
      currentNavigation(),
      title,
      h("p", {}, h("a", { href: "#/policies" }, "← Policies")),
      h("h1", {}, title),
      alertBox(
        "Your role does not allow this",
        "Creating a profile needs the app role Recovery.Admin; your role is Recovery.Reader.",
      ),
    );
    return;
  }
  await showEditor<PolicyProfile>(user, {
    title,
    path: "/api/admin/policies",
    schema: policyProfileSchema,
    canDelete: false,
    fields: (p) => profileFields(p, true),
    read: readProfile,
    create: {
      blank: blankProfile(),
      pathOf: (p) => profilePath(p.id),
      routeOf: (p) => `#/policies/${encodeURIComponent(p.id)}`,
    },
  });
}

async function showExclusions(user: SignedIn): Promise<void> {
  await showEditor<GlobalExclusions>(user, {
    title: "Global exclusions",
    path: "/api/admin/policies/exclusions",
    schema: globalExclusionsSchema,
    canDelete: false,
    fields: (x) => [
      groupsField(
        "groups",
        "Excluded groups",
        "Group object ids, one per line (up to 500). Members can never recover here.",
        x.groups,
        5,
      ),
      {
        key: "users",
        label: "Excluded users",
        hint: "Object ids or user principal names, one per line (up to 5000).",
        input: h("textarea", { rows: 5 }, x.users.join("\n")),
      },
    ],
    read: (_base, form) => ({ groups: lines(value(form, "groups")), users: lines(value(form, "users")) }),
  });
}
