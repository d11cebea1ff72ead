/**
 * Namesake disambiguation by extra bindings: a credential claim (say `dateOfBirth`) must equal
 * a directory attribute (say `extensionAttribute3`, filled by HR). Every configured binding
 * must hold; a value missing on either side fails. Explanations name claims and attributes,
 * never their values.
 */

export interface Binding {
  claim: string;
  attribute: string;
  compare: "exact" | "date";
}

export interface BindingResult {
  ok: boolean;
  explanation: string;
}

/** `YYYY-MM-DD` from an ISO date or date-time; other forms are compared as written. */
function canonicalDate(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(value);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : value;
}

function canonical(value: string, compare: Binding["compare"]): string {
  const v = value.normalize("NFC").trim();
  return compare === "date" ? canonicalDate(v) : v.toLocaleLowerCase("und");
}

export function checkBindings(
  bindings: readonly Binding[],
  claims: Readonly<Record<string, unknown>>,
  attributes: Readonly<Record<string, string | null>>,
): BindingResult {
  if (bindings.length === 0) return { ok: true, explanation: "no bindings" };
  const parts = bindings.map((b) => {
    const claim = claims[b.claim];
    const attribute = attributes[b.attribute];
    if (typeof claim !== "string" || claim.trim() === "") return { ok: false, text: `${b.claim} missing` };
    if (!attribute?.trim()) return { ok: false, text: `${b.attribute} missing` };
    const ok = canonical(claim, b.compare) === canonical(attribute, b.compare);
    return { ok, text: `${b.claim}${ok ? "=" : "≠"}${b.attribute}` };
  });
  return { ok: parts.every((p) => p.ok), explanation: parts.map((p) => p.text).join(", ") };
}
