/**
 * Graph resource routing: one already-authenticated request (top-level or a $batch item) in,
 * one Graph response out. Kept free of node:http so $batch items go through exactly the same
 * code as direct calls. Handlers throw GraphFailure; the caller renders the error body.
 */
import {
  badRequest,
  GraphFailure,
  invalidJson,
  methodNotAllowed,
  segmentNotFound,
  unsupportedQuery,
  userNotFound,
} from "./errors";
import {
  type ConditionalAccessPolicySeed,
  METHOD_COLLECTION,
  METHOD_ODATA_TYPE,
  type MethodType,
} from "./model";
import { type FilterValue, idsOf, matchesFilter, parseFilter } from "./odata-filter";
import { matchesSearch, parseSearch, requireEventualConsistency, type SearchNode } from "./odata-search";
import {
  contextUrl,
  type Json,
  type JsonObject,
  parseUserSelect,
  readUserProperty,
  renderMethod,
  renderTapPolicy,
  renderUser,
} from "./shapes";
import { methodNotFound, type TapRequest, type Tenant, type UserRecord } from "./tenant";

export interface GraphRequest {
  /** The simulator's own origin: paging links must lead back here, not to graph.microsoft.com. */
  readonly origin: string;
  readonly method: string;
  readonly version: string;
  /** Path below the version, percent-encoded as received, e.g. "/users/adele%40contoso.example". */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON body (the transport layer rejects bodies that are not JSON). */
  readonly body: Json | undefined;
}

export interface GraphResponse {
  status: number;
  headers: Record<string, string>;
  body?: Json;
}

const COLLECTION_TYPE = new Map<string, MethodType>(
  (Object.entries(METHOD_COLLECTION) as [MethodType, string][]).map(([type, collection]) => [
    collection,
    type,
  ]),
);

const MAX_PAGE = 999;
const MAX_SIGN_IN_PAGE = 120;

export function routeGraphRequest(tenant: Tenant, req: GraphRequest): GraphResponse {
  const segments = req.path
    .split("/")
    .filter((s) => s !== "")
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        throw badRequest(`Bad Request - Invalid URL: '${s}'.`);
      }
    });
  const [root, ...rest] = segments;
  if (root === undefined) throw segmentNotFound("");
  if (root === "users") return routeUsers(tenant, req, rest);
  if (root === "policies") return routePolicies(tenant, req, rest);
  if (root === "groups") return routeGroups(tenant, req, rest);
  if (root === "identity") return routeIdentity(tenant, req, rest);
  if (root === "roleManagement") return routeRoleManagement(tenant, req, rest);
  throw segmentNotFound(root);
}

/** `$top` (default 100, at most `max`; above 999 refused) and the offset a `$skiptoken` of ours carries. */
function pageWindow(req: GraphRequest, max: number): { top: number; skip: number } {
  const topText = req.query.get("$top");
  let top = 100;
  if (topText !== null) {
    top = Number(topText);
    if (!Number.isInteger(top) || top < 1 || top > MAX_PAGE) {
      throw badRequest(
        `Invalid page size specified: '${topText}'. Must be between 1 and ${MAX_PAGE} inclusive.`,
        "Request_BadRequest",
      );
    }
  }
  const skipText = req.query.get("$skiptoken");
  const skip = skipText === null ? 0 : Number(Buffer.from(skipText, "base64url").toString("utf8"));
  if (!Number.isInteger(skip) || skip < 0) throw badRequest("Invalid $skiptoken.", "Request_BadRequest");
  return { top: Math.min(top, max), skip };
}

/** One page of `items`, with Graph's `@odata.nextLink` (back to this simulator) when more remain. */
function page<T>(
  req: GraphRequest,
  items: readonly T[],
  window: { top: number; skip: number },
  context: string,
): { body: JsonObject; items: T[] } {
  const body: JsonObject = { "@odata.context": contextUrl(req.version, context) };
  if (window.skip + window.top < items.length) {
    const next = new URLSearchParams(req.query);
    next.set("$skiptoken", Buffer.from(String(window.skip + window.top)).toString("base64url"));
    body["@odata.nextLink"] = `${req.origin}/${req.version}${req.path}?${next.toString()}`;
  }
  return { body, items: items.slice(window.skip, window.skip + window.top) };
}

/**
 * GET /groups/{id}/transitiveMembers[/microsoft.graph.user]: every member at any depth. With
 * the cast only users, `$select` as on /users; without it nested groups too, each with its
 * `@odata.type`. Pages of `$top` (default 100, at most 999) linked by `@odata.nextLink`.
 */
function routeGroups(tenant: Tenant, req: GraphRequest, rest: string[]): GraphResponse {
  const [id, navigation, cast, extra] = rest;
  if (id === undefined) throw segmentNotFound("groups");
  // GET /groups/{id}: the group itself (id and display name: what the admin console shows).
  if (navigation === undefined) {
    allow(req, "GET");
    const found = tenant.group(id);
    if (!found) throw userNotFound(id);
    return ok({
      "@odata.context": contextUrl(req.version, "groups/$entity"),
      id: found.id,
      displayName: found.displayName,
    });
  }
  if (navigation !== "transitiveMembers") throw segmentNotFound(navigation);
  if (extra !== undefined) throw segmentNotFound(extra);
  if (cast !== undefined && cast !== "microsoft.graph.user") {
    throw unsupportedQuery(`Unsupported cast '${cast}' on this simulator.`);
  }
  allow(req, "GET");
  const group = tenant.group(id);
  if (!group) throw userNotFound(id);
  const select = parseUserSelect(req.query.get("$select"));
  const members = tenant.transitiveMembers(group.id);
  const window = pageWindow(req, MAX_PAGE);
  if (cast) {
    const { body, items } = page(req, members.users, window, select ? `users(${select.join(",")})` : "users");
    body.value = items.map((u) => renderUser(u, tenant, select));
    return ok(body);
  }
  const all: Json[] = [
    ...members.groups.map((g) => ({
      "@odata.type": "#microsoft.graph.group",
      id: g.id,
      displayName: g.displayName,
    })),
    ...members.users.map((u) => ({
      "@odata.type": "#microsoft.graph.user",
      ...renderUser(u, tenant, select),
    })),
  ];
  const { body, items } = page(req, all, window, "directoryObjects");
  body.value = items;
  return ok(body);
}

/** GET /identity/conditionalAccess/policies[/{id}]: the seeded policies in Graph's shape. */
function routeIdentity(tenant: Tenant, req: GraphRequest, rest: string[]): GraphResponse {
  const [area, collection, id, extra] = rest;
  if (area !== "conditionalAccess") throw segmentNotFound(area ?? "identity");
  if (collection !== "policies") throw segmentNotFound(collection ?? area);
  if (extra !== undefined) throw segmentNotFound(extra);
  allow(req, "GET");
  const policies = tenant.conditionalAccessPolicies.map(renderConditionalAccessPolicy);
  if (id === undefined) {
    return ok({
      "@odata.context": contextUrl(req.version, "identity/conditionalAccess/policies"),
      value: policies,
    });
  }
  const policy = policies.find((p) => String(p.id).toLowerCase() === id.toLowerCase());
  if (!policy) throw new GraphFailure(404, "ResourceNotFound", `Policy '${id}' was not found.`);
  return ok({
    "@odata.context": contextUrl(req.version, "identity/conditionalAccess/policies/$entity"),
    ...policy,
  });
}

function renderConditionalAccessPolicy(p: ConditionalAccessPolicySeed): JsonObject {
  const list = (v: readonly string[] | undefined): Json => [...(v ?? [])];
  const grant = p.grantControls;
  return {
    id: p.id,
    displayName: p.displayName,
    state: p.state,
    createdDateTime: "2024-01-01T00:00:00Z",
    modifiedDateTime: null,
    conditions: {
      userRiskLevels: list(p.userRiskLevels),
      signInRiskLevels: list(p.signInRiskLevels),
      clientAppTypes: list(p.clientAppTypes ?? ["all"]),
      platforms: p.platforms
        ? {
            includePlatforms: list(p.platforms.includePlatforms),
            excludePlatforms: list(p.platforms.excludePlatforms),
          }
        : null,
      locations: p.locations
        ? {
            includeLocations: list(p.locations.includeLocations),
            excludeLocations: list(p.locations.excludeLocations),
          }
        : null,
      devices: null,
      applications: {
        includeApplications: list(p.applications.includeApplications),
        excludeApplications: list(p.applications.excludeApplications),
        includeUserActions: list(p.applications.includeUserActions),
        includeAuthenticationContextClassReferences: [],
      },
      users: {
        includeUsers: list(p.users.includeUsers),
        excludeUsers: list(p.users.excludeUsers),
        includeGroups: list(p.users.includeGroups),
        excludeGroups: list(p.users.excludeGroups),
        includeRoles: list(p.users.includeRoles),
        excludeRoles: list(p.users.excludeRoles),
      },
    },
    grantControls: grant
      ? {
          operator: grant.operator,
          builtInControls: list(grant.builtInControls),
          customAuthenticationFactors: list(grant.customAuthenticationFactors),
          termsOfUse: list(grant.termsOfUse),
          authenticationStrength: grant.authenticationStrength
            ? {
                id: grant.authenticationStrength.id,
                displayName: grant.authenticationStrength.displayName,
                allowedCombinations: list(grant.authenticationStrength.allowedCombinations),
              }
            : null,
        }
      : null,
    sessionControls: null,
  };
}

/**
 * GET /roleManagement/directory/roleAssignments, optionally with `$filter=roleDefinitionId eq
 * '…'` (or principalId) and `$expand=principal` (the principal's `@odata.type`, id, name).
 */
function routeRoleManagement(tenant: Tenant, req: GraphRequest, rest: string[]): GraphResponse {
  const [provider, collection, extra] = rest;
  if (provider !== "directory") throw segmentNotFound(provider ?? "roleManagement");
  if (collection !== "roleAssignments") throw segmentNotFound(collection ?? provider);
  if (extra !== undefined) throw segmentNotFound(extra);
  allow(req, "GET");
  const filterText = req.query.get("$filter");
  let match: (a: { roleDefinitionId: string; principalId: string }) => boolean = () => true;
  if (filterText !== null) {
    const m = /^\s*(roleDefinitionId|principalId)\s+eq\s+'([^']*)'\s*$/.exec(filterText);
    if (!m) throw unsupportedQuery(`Unsupported filter '${filterText}' on this simulator.`);
    const property = m[1] as "roleDefinitionId" | "principalId";
    const value = m[2]!.toLowerCase();
    match = (a) => a[property].toLowerCase() === value;
  }
  const expand = req.query.get("$expand");
  if (expand !== null && expand.trim() !== "principal") {
    throw unsupportedQuery(`Unsupported $expand '${expand}' on this simulator.`);
  }
  const value: Json[] = tenant.roleAssignments.filter(match).map((a) => {
    const entry: JsonObject = {
      id: a.id,
      principalId: a.principalId,
      roleDefinitionId: a.roleDefinitionId,
      directoryScopeId: a.directoryScopeId ?? "/",
    };
    if (expand !== null) {
      const user = tenant.findUser(a.principalId);
      const group = tenant.group(a.principalId);
      entry.principal = user
        ? {
            "@odata.type": "#microsoft.graph.user",
            id: user.seed.id,
            displayName: user.seed.displayName,
            userPrincipalName: user.seed.userPrincipalName,
          }
        : {
            "@odata.type": "#microsoft.graph.group",
            id: group?.id ?? a.principalId,
            displayName: group?.displayName ?? null,
          };
    }
    return entry;
  });
  return ok({
    "@odata.context": contextUrl(req.version, "roleManagement/directory/roleAssignments"),
    value,
  });
}

function routeUsers(tenant: Tenant, req: GraphRequest, rest: string[]): GraphResponse {
  const [id, action, ...tail] = rest;
  if (id === undefined) {
    allow(req, "GET");
    return listUsers(tenant, req);
  }
  if (action === undefined) {
    allow(req, "GET");
    const user = requireUser(tenant, id);
    const select = parseUserSelect(req.query.get("$select"));
    const fragment = select ? `users(${select.join(",")})/$entity` : "users/$entity";
    return ok({ "@odata.context": contextUrl(req.version, fragment), ...renderUser(user, tenant, select) });
  }
  switch (action) {
    case "checkMemberGroups":
      if (tail.length > 0) throw segmentNotFound(tail[0]!);
      allow(req, "POST");
      return checkMemberGroups(tenant, req, requireUser(tenant, id));
    case "getMemberGroups":
      if (tail.length > 0) throw segmentNotFound(tail[0]!);
      allow(req, "POST");
      return getMemberGroups(tenant, req, requireUser(tenant, id));
    case "revokeSignInSessions":
      if (tail.length > 0) throw segmentNotFound(tail[0]!);
      allow(req, "POST");
      tenant.revokeSignInSessions(requireUser(tenant, id));
      return ok({ "@odata.context": contextUrl(req.version, "Edm.Boolean"), value: true });
    case "authentication":
      return routeAuthentication(tenant, req, id, tail);
    case "sendMail":
      if (tail.length > 0) throw segmentNotFound(tail[0]!);
      allow(req, "POST");
      return sendMail(tenant, req, id);
    case "manager": {
      if (tail.length > 0) throw segmentNotFound(tail[0]!);
      allow(req, "GET");
      const managerId = requireUser(tenant, id).seed.managerId;
      const manager = managerId ? tenant.findUser(managerId) : undefined;
      if (!manager) throw userNotFound("manager");
      const select = parseUserSelect(req.query.get("$select"));
      return ok({
        "@odata.context": contextUrl(req.version, "directoryObjects/$entity"),
        "@odata.type": "#microsoft.graph.user",
        ...renderUser(manager, tenant, select),
      });
    }
    default:
      throw segmentNotFound(action);
  }
}

function routeAuthentication(
  tenant: Tenant,
  req: GraphRequest,
  userId: string,
  rest: string[],
): GraphResponse {
  const [collection, methodId, extra, ...more] = rest;
  if (collection === undefined) throw segmentNotFound("authentication");
  if (more.length > 0) throw segmentNotFound(more[0]!);
  // Deleting an external method is documented as DELETE .../externalAuthenticationMethods/{id}/$ref
  // (learn.microsoft.com authentication-delete-externalauthenticationmethods, v1.0); the CSDL makes
  // the collection contained, so the plain entity DELETE is served too. Nothing else takes $ref.
  const ref = extra === "$ref" && collection === "externalAuthenticationMethods" && req.method === "DELETE";
  if (extra !== undefined && !ref) throw segmentNotFound(extra);
  const base = `users('${userId}')/authentication/${collection}`;

  if (collection === "methods") {
    allow(req, "GET");
    const user = requireUser(tenant, userId);
    if (methodId === undefined) {
      return ok({
        "@odata.context": contextUrl(req.version, base),
        value: user.methods.map((m) => renderMethod(m, tenant, true)),
      });
    }
    const method = user.methods.find((m) => m.id.toLowerCase() === methodId.toLowerCase());
    if (!method) throw methodNotFound(methodId);
    return ok({
      "@odata.context": contextUrl(req.version, `${base}/$entity`),
      ...renderMethod(method, tenant, true),
    });
  }

  const type = COLLECTION_TYPE.get(collection);
  if (type === undefined) throw segmentNotFound(collection);

  if (methodId === undefined) {
    if (req.method === "POST" && type === "temporaryAccessPass") {
      return createTemporaryAccessPass(tenant, req, requireUser(tenant, userId), base);
    }
    allow(req, "GET");
    const user = requireUser(tenant, userId);
    return ok({
      "@odata.context": contextUrl(req.version, base),
      value: user.methods.filter((m) => m.type === type).map((m) => renderMethod(m, tenant, false)),
    });
  }

  if (req.method === "DELETE") {
    tenant.deleteMethod(requireUser(tenant, userId), type, methodId);
    return { status: 204, headers: {} };
  }
  allow(req, "GET");
  const user = requireUser(tenant, userId);
  const method = user.methods.find((m) => m.id.toLowerCase() === methodId.toLowerCase() && m.type === type);
  if (!method) throw methodNotFound(methodId, type);
  return ok({
    "@odata.context": contextUrl(req.version, `${base}/$entity`),
    ...renderMethod(method, tenant, false),
  });
}

function routePolicies(tenant: Tenant, req: GraphRequest, rest: string[]): GraphResponse {
  const expected = ["authenticationMethodsPolicy", "authenticationMethodConfigurations"];
  for (let i = 0; i < expected.length; i++) {
    if (rest[i] !== expected[i]) throw segmentNotFound(rest[i] ?? "policies");
  }
  const [, , configurationId, extra] = rest;
  if (configurationId === undefined || extra !== undefined) throw segmentNotFound(extra ?? expected[1]!);
  allow(req, "GET");
  if (configurationId.toLowerCase() !== "temporaryaccesspass") {
    throw new GraphFailure(
      404,
      "Request_ResourceNotFound",
      `Resource '${configurationId}' does not exist or one of its queried reference-property objects are not present.`,
    );
  }
  return ok(renderTapPolicy(tenant, req.version));
}

function listUsers(tenant: Tenant, req: GraphRequest): GraphResponse {
  for (const name of req.query.keys()) {
    if (!name.startsWith("$")) continue;
    const option = name.toLowerCase();
    if (option === "$orderby" || option === "$expand" || option === "$skip") {
      throw unsupportedQuery(`Unsupported query option '${name}' on this simulator.`);
    }
    if (!["$filter", "$search", "$select", "$top", "$count", "$skiptoken"].includes(option)) {
      throw badRequest(
        `Query option '${name}' is not allowed. Allowed options are $filter, $search, $select, $top, $count.`,
      );
    }
  }
  const searchText = req.query.get("$search");
  let search: SearchNode | undefined;
  if (searchText !== null) {
    // $search on directory objects is an advanced query: the header comes first, then the syntax.
    requireEventualConsistency(req.headers);
    search = parseSearch(searchText);
  }
  const select = parseUserSelect(req.query.get("$select"));
  const filterText = req.query.get("$filter");
  const filter = filterText === null ? undefined : parseFilter(filterText);

  const count = req.query.get("$count");
  const wantCount = count?.toLowerCase() === "true";
  // Graph only counts directory objects with the advanced query capabilities enabled.
  if (wantCount && req.headers["consistencylevel"]?.toLowerCase() !== "eventual") {
    throw badRequest("$count is not currently supported.", "Request_BadRequest");
  }

  // Graph serves at most 120 users per page when signInActivity is selected or filtered on.
  const withSignIn = select?.includes("signInActivity") === true || /signInActivity/i.test(filterText ?? "");
  const window = pageWindow(req, withSignIn ? MAX_SIGN_IN_PAGE : MAX_PAGE);
  // `id in (…)` / `id eq …` look the users up instead of scanning a large tenant.
  const wanted = filter ? idsOf(filter) : undefined;
  const candidates = wanted
    ? [...new Set(wanted.map((id) => tenant.findUser(id)).filter((u): u is UserRecord => u !== undefined))]
    : tenant.allUsers();
  const matching = candidates.filter(
    (u) =>
      (!filter || matchesFilter(filter, (p) => readUserProperty(u, tenant, p) as FilterValue | string[])) &&
      (!search || matchesSearch(search, (p) => readUserProperty(u, tenant, p))),
  );
  const { body, items } = page(req, matching, window, select ? `users(${select.join(",")})` : "users");
  if (wantCount) body["@odata.count"] = matching.length;
  body.value = items.map((u) => renderUser(u, tenant, select));
  return ok(body);
}

function checkMemberGroups(tenant: Tenant, req: GraphRequest, user: UserRecord): GraphResponse {
  const body = objectBody(req);
  const groupIds = body.groupIds;
  if (!Array.isArray(groupIds) || !groupIds.every((g): g is string => typeof g === "string")) {
    throw badRequest("Invalid request: 'groupIds' must be a collection of strings.", "Request_BadRequest");
  }
  if (groupIds.length > 20) {
    throw badRequest("The groupIds collection cannot contain more than 20 items.", "Request_BadRequest");
  }
  const member = new Set(tenant.transitiveGroupIds(user).map((g) => g.toLowerCase()));
  return ok({
    "@odata.context": contextUrl(req.version, "Collection(Edm.String)"),
    value: groupIds.filter((g) => member.has(g.toLowerCase())),
  });
}

function getMemberGroups(tenant: Tenant, req: GraphRequest, user: UserRecord): GraphResponse {
  const body = objectBody(req);
  if (typeof body.securityEnabledOnly !== "boolean") {
    throw badRequest("Invalid request: 'securityEnabledOnly' (boolean) is required.", "Request_BadRequest");
  }
  const securityOnly = body.securityEnabledOnly;
  const ids = tenant
    .transitiveGroupIds(user)
    .filter((g) => !securityOnly || (tenant.group(g)?.securityEnabled ?? true) === true);
  return ok({ "@odata.context": contextUrl(req.version, "Collection(Edm.String)"), value: ids });
}

const TAP_WRITABLE = new Set(["startDateTime", "lifetimeInMinutes", "isUsableOnce"]);
const TAP_READ_ONLY = new Set([
  "id",
  "temporaryAccessPass",
  "createdDateTime",
  "isUsable",
  "methodUsabilityReason",
]);

function createTemporaryAccessPass(
  tenant: Tenant,
  req: GraphRequest,
  user: UserRecord,
  base: string,
): GraphResponse {
  const body = req.body === undefined ? {} : objectBody(req);
  const request: TapRequest = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === "@odata.type") {
      if (value !== METHOD_ODATA_TYPE.temporaryAccessPass)
        throw badRequest(`Invalid @odata.type '${String(value)}'.`);
      continue;
    }
    if (TAP_READ_ONLY.has(key)) continue;
    if (!TAP_WRITABLE.has(key)) {
      throw badRequest(
        `The property '${key}' does not exist on type 'microsoft.graph.temporaryAccessPassAuthenticationMethod'. Make sure to only use property names that are defined by the type.`,
      );
    }
    if (value === null) continue;
    if (key === "startDateTime") {
      const at = typeof value === "string" ? new Date(value) : undefined;
      if (!at || Number.isNaN(at.getTime()))
        throw badRequest(`Cannot convert the literal '${String(value)}' to Edm.DateTimeOffset.`);
      request.startDateTime = at;
    } else if (key === "lifetimeInMinutes") {
      if (typeof value !== "number" || !Number.isInteger(value)) {
        throw badRequest(
          `Cannot convert the literal '${JSON.stringify(value)}' to the expected type 'Edm.Int32'.`,
        );
      }
      request.lifetimeInMinutes = value;
    } else if (key === "isUsableOnce") {
      if (typeof value !== "boolean") {
        throw badRequest(
          `Cannot convert the literal '${JSON.stringify(value)}' to the expected type 'Edm.Boolean'.`,
        );
      }
      request.isUsableOnce = value;
    }
  }
  const issued = tenant.issueTemporaryAccessPass(user, request);
  const method = user.methods.find((m) => m.id === issued.id);
  const usability = method?.type === "temporaryAccessPass" ? tenant.tapUsability(method) : undefined;
  return {
    status: 201,
    headers: {},
    body: {
      "@odata.context": contextUrl(req.version, `${base}/$entity`),
      "@odata.type": METHOD_ODATA_TYPE.temporaryAccessPass,
      id: issued.id,
      temporaryAccessPass: issued.temporaryAccessPass,
      createdDateTime: issued.createdDateTime,
      startDateTime: issued.startDateTime,
      lifetimeInMinutes: issued.lifetimeInMinutes,
      isUsableOnce: issued.isUsableOnce,
      isUsable: usability?.isUsable ?? false,
      methodUsabilityReason: usability?.methodUsabilityReason ?? "NotYetValid",
    },
  };
}

/** The JSON form of sendMail: a message with recipients, accepted with 202 and no body. */
function sendMail(tenant: Tenant, req: GraphRequest, mailbox: string): GraphResponse {
  if (!tenant.isMailbox(mailbox)) {
    throw new GraphFailure(404, "ErrorInvalidUser", `The requested user '${mailbox}' is invalid.`);
  }
  const body = objectBody(req);
  const message = body.message;
  if (message === null || typeof message !== "object" || Array.isArray(message)) {
    throw badRequest("Empty Payload. JSON content expected.", "ErrorInvalidRequest");
  }
  const recipients = (name: string): string[] => {
    const list = message[name];
    if (list === undefined) return [];
    if (!Array.isArray(list)) throw badRequest(`Invalid ${name}.`, "ErrorInvalidRecipients");
    return list.map((r) => {
      const address =
        r !== null &&
        typeof r === "object" &&
        !Array.isArray(r) &&
        r.emailAddress &&
        typeof r.emailAddress === "object"
          ? (r.emailAddress as JsonObject).address
          : undefined;
      if (typeof address !== "string" || !/^[^@\s]+@[^@\s]+$/.test(address)) {
        throw badRequest("At least one recipient is not valid.", "ErrorInvalidRecipients");
      }
      return address;
    });
  };
  const to = recipients("toRecipients");
  const cc = recipients("ccRecipients");
  const bcc = recipients("bccRecipients");
  if (to.length + cc.length + bcc.length === 0) {
    throw badRequest("At least one recipient is required, but none were found.", "ErrorInvalidRecipients");
  }
  const content = message.body;
  const contentType =
    content !== null && typeof content === "object" && !Array.isArray(content)
      ? content.contentType
      : undefined;
  tenant.sentMail.push({
    time: tenant.now().toISOString(),
    from: mailbox,
    subject: typeof message.subject === "string" ? message.subject : "",
    contentType: typeof contentType === "string" && contentType.toLowerCase() === "html" ? "html" : "text",
    content:
      content !== null &&
      typeof content === "object" &&
      !Array.isArray(content) &&
      typeof content.content === "string"
        ? content.content
        : "",
    toRecipients: to,
    ccRecipients: cc,
    bccRecipients: bcc,
    saveToSentItems: body.saveToSentItems !== false,
  });
  return { status: 202, headers: {} };
}

function requireUser(tenant: Tenant, id: string): UserRecord {
  const user = tenant.findUser(id);
  if (!user) throw userNotFound(id);
  return user;
}

function allow(req: GraphRequest, method: string): void {
  if (req.method !== method) throw methodNotAllowed();
}

function objectBody(req: GraphRequest): JsonObject {
  const body = req.body;
  if (body === undefined) throw badRequest("Empty Payload. JSON content expected.");
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw invalidJson();
  return body;
}

function ok(body: JsonObject): GraphResponse {
  return { status: 200, headers: {}, body };
}
