/**
 * Schema problems as one line of text: the path of the first issue, then zod's message
 * (`profiles[0].faceCheckThreshold: Too big: …`). Shared by everything that validates input
 * with zod and answers in words — the settings, the policy document, request bodies and
 * webhook payloads — so a problem is named the same way wherever it is found.
 */
import type { z } from "zod";

/** A zod issue path as written in JSON: `profiles[0].faceCheckThreshold`; "" for the root. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join("");
}

/** Human-readable path of the first schema problem, e.g. `profiles[0].faceCheckThreshold`. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  return `${issuePath(issue.path) || "(root)"}: ${issue.message}`;
}
