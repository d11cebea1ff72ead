/**
 * Admin API over the policy: `GET /api/admin/policies` (every profile and the global exclusion
 * list, each with its etag), `GET/PUT/DELETE /api/admin/policies/{id}` for one profile, and
 * `GET/PUT /api/admin/policies/exclusions` for the global exclusion list (`exclusions` is
 * reserved: no profile may take that id).
 *
 * Bodies are validated by the seed's schema (`recovery/policy`), plus what config checks of the
 * seed (every provider a profile routes to exists). Writes are conditional: `If-Match: <etag>`
 * replaces that version (a stale one is 412), `If-None-Match: *` only creates; a PUT with
 * neither creates, or is 428 when the item exists; DELETE needs If-Match. Every change is
 * audited (`policy_changed`, partition `admin-policy`) with the admin's object id and a
 * field-by-field diff. This instance's policy cache is dropped at once; other instances see
 * the change within POLICY_CACHE_SECONDS.
 */
import type { HttpRequest } from "@azure/functions";
import { z } from "zod";
import { type AdminPrincipal, adminHandler } from "../admin/auth";
import { diffJson } from "../admin/diff";
import { isDevelopment } from "../config";
import { clientAddress, json, readJson } from "../http";
import {
  ConflictError,
  InvalidRequestError,
  MethodNotAllowedError,
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
} from "../recovery/errors";
import {
  calloutOverHttp,
  globalExclusionsSchema,
  type PolicyProfile,
  policyProfileSchema,
  RESERVED_PROFILE_ID,
  unknownProviders,
} from "../recovery/policy";
import { services } from "../services";
import type { Versioned, WriteCondition, WriteOutcome } from "../store/policies";
import { describeIssue } from "../zodText";

/** Audit partition of policy changes (recoveries use their id; this cannot be one). */
export const POLICY_AUDIT_PARTITION = "admin-policy";

/** HTTP entity tags wrap the table's etag, so clients compare opaque strong tags. */
export function httpEtag(tableEtag: string): string {
  return `"${Buffer.from(tableEtag, "utf8").toString("base64url")}"`;
}

function tableEtagOf(header: string): string {
  const value = header.trim();
  if (value === "*") return "*";
  // Strong tags only: If-Match uses the strong comparison (RFC 9110 §13.1.1), and a weak tag
  // (W/"…") never matches strongly. Not one of our strong tags: it can match nothing, so the
  // write is refused as stale (412).
  const m = /^"([A-Za-z0-9_-]*)"$/.exec(value);
  const tag = m?.[1];
  return tag !== undefined ? Buffer.from(tag, "base64url").toString("utf8") : `unmatched:${value}`;
}

function versionHeaders(item: { etag: string }): Record<string, string> {
  return { ETag: httpEtag(item.etag) };
}

function writeCondition(request: HttpRequest): WriteCondition {
  const ifMatch = request.headers.get("if-match");
  if (ifMatch) return { ifMatch: tableEtagOf(ifMatch) };
  const ifNoneMatch = request.headers.get("if-none-match");
  if (ifNoneMatch && ifNoneMatch.trim() !== "*") {
    throw new InvalidRequestError("invalid_request", "If-None-Match supports only `*` (create).");
  }
  return { create: true };
}

/** Maps a refused conditional write to its answer. `implicitCreate`: the PUT had no precondition at all. */
function refused(
  outcome: Extract<WriteOutcome<unknown>, { ok: false }>,
  what: string,
  implicitCreate: boolean,
): never {
  switch (outcome.reason) {
    case "exists":
      if (implicitCreate) {
        throw new PreconditionRequiredError(`${what} exists: send If-Match with its ETag to replace it.`);
      }
      throw new PreconditionFailedError(`${what} already exists.`);
    case "not_found":
      throw new NotFoundError("policy_not_found", `${what} does not exist.`);
    case "stale":
      throw new PreconditionFailedError(`${what} has changed since that ETag: read it again.`);
  }
}

async function auditChange(
  request: HttpRequest,
  admin: AdminPrincipal,
  target: string,
  action: "created" | "updated" | "deleted",
  before: unknown,
  after: unknown,
): Promise<void> {
  const s = services();
  await s.audit.record({
    recoveryId: POLICY_AUDIT_PARTITION,
    event: "policy_changed",
    outcome: "success",
    code: `policy_${action}`,
    userId: admin.oid,
    sourceAddress: clientAddress(request, s.config.trustedProxyHops),
    detail: { target, action, adminOid: admin.oid, changes: diffJson(before, after) },
  });
}

/** The seed's cross-checks: every provider a profile routes to is configured. */
function assertProvidersExist(profile: PolicyProfile): void {
  const { providers } = services().config;
  const [unknown] = unknownProviders(profile, providers);
  if (unknown) {
    throw new InvalidRequestError(
      "invalid_policy",
      `providers: unknown provider ${unknown} (configured: ${[...providers.keys()].join(", ")})`,
    );
  }
}

/** A callout over plain http is for development deployments only (see config.isDevelopment). */
function assertCalloutAllowed(profile: PolicyProfile): void {
  if (calloutOverHttp(profile) && !isDevelopment(services().config)) {
    throw new InvalidRequestError(
      "invalid_policy",
      "claimValidation.url: must be https (http only to a loopback address, in development)",
    );
  }
}

function parseProfile(raw: unknown, id: string): PolicyProfile {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new InvalidRequestError("invalid_policy", "(root): expected a policy profile object");
  }
  const body = raw as Record<string, unknown>;
  if (body.id !== undefined && body.id !== id) {
    throw new InvalidRequestError("invalid_policy", `id: must equal the id in the URL (${id})`);
  }
  const parsed = policyProfileSchema.safeParse({ ...body, id });
  if (!parsed.success) throw new InvalidRequestError("invalid_policy", describeIssue(parsed.error));
  assertProvidersExist(parsed.data);
  assertCalloutAllowed(parsed.data);
  return parsed.data;
}

const profileIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/);

function routeId(request: HttpRequest): string {
  const id = request.params.id ?? "";
  if (!profileIdSchema.safeParse(id).success) throw new NotFoundError("policy_not_found", "No such profile.");
  return id;
}

const isExclusions = (id: string) => id.toLowerCase() === RESERVED_PROFILE_ID;

export const listPolicies = adminHandler("read", async () => {
  const all = await services().policies.listVersioned();
  const body = {
    profiles: all.profiles.map((p) => ({ ...p, etag: httpEtag(p.etag) })),
    globalExclusions: { ...all.globalExclusions, etag: httpEtag(all.globalExclusions.etag) },
  };
  return json(200, body);
});

export const getPolicy = adminHandler("read", async (request) => {
  const id = routeId(request);
  const policies = services().policies;
  const item: Versioned<unknown> | undefined = isExclusions(id)
    ? await policies.getExclusions()
    : await policies.getProfile(id);
  if (!item) throw new NotFoundError("policy_not_found", `Profile ${id} does not exist.`);
  return json(200, item.value, versionHeaders(item));
});

export const putPolicy = adminHandler("write", async (request, admin) => {
  const id = routeId(request);
  const policies = services().policies;
  const condition = writeCondition(request);
  // Any JSON here: which schema applies (profile or exclusion list) depends on the id.
  const raw = await readJson(request, z.unknown(), 64 * 1024);
  if (isExclusions(id)) {
    const parsed = globalExclusionsSchema.safeParse(raw);
    if (!parsed.success) throw new InvalidRequestError("invalid_policy", describeIssue(parsed.error));
    // The list always exists (the seed writes it): only a replacement makes sense.
    if (!("ifMatch" in condition)) {
      throw new PreconditionRequiredError("Send If-Match with the exclusion list's ETag.");
    }
    const outcome = await policies.putExclusions(parsed.data, condition);
    if (!outcome.ok) refused(outcome, "The exclusion list", false);
    await auditChange(request, admin, "globalExclusions", "updated", outcome.before, parsed.data);
    return json(200, parsed.data, { ETag: httpEtag(outcome.etag) });
  }
  const profile = parseProfile(raw, id);
  const outcome = await policies.putProfile(profile, condition);
  if (!outcome.ok) refused(outcome, `Profile ${id}`, !request.headers.get("if-none-match"));
  const created = outcome.before === undefined;
  await auditChange(
    request,
    admin,
    `profile:${id}`,
    created ? "created" : "updated",
    outcome.before,
    profile,
  );
  const headers: Record<string, string> = { ETag: httpEtag(outcome.etag) };
  if (created) headers.Location = `/api/admin/policies/${id}`;
  return json(created ? 201 : 200, profile, headers);
});

export const deletePolicy = adminHandler("write", async (request, admin) => {
  const id = routeId(request);
  if (isExclusions(id)) throw new MethodNotAllowedError(["GET", "PUT"]);
  const ifMatch = request.headers.get("if-match");
  if (!ifMatch) throw new PreconditionRequiredError("Send If-Match with the profile's ETag to delete it.");
  const policies = services().policies;
  const all = await policies.listVersioned();
  const live = all.profiles.filter((p) => p.value.id !== id);
  if (live.length === all.profiles.length)
    throw new NotFoundError("policy_not_found", `Profile ${id} does not exist.`);
  // The policy must keep one profile (the document's schema): with none, discovery would fail closed for everyone.
  if (live.length === 0)
    throw new ConflictError("last_profile", "The last profile cannot be deleted; change it instead.");
  const outcome = await policies.deleteProfile(id, tableEtagOf(ifMatch));
  if (!outcome.ok) refused(outcome, `Profile ${id}`, false);
  await auditChange(request, admin, `profile:${id}`, "deleted", outcome.before, undefined);
  return { status: 204, headers: { "Cache-Control": "no-store" } };
});
