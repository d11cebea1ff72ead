/**
 * The Graph reads of the preflight diagnostics (src/admin/diagnostics): group members page by
 * page, the tenant's users, sign-in activity by id, the TAP and Conditional Access policies,
 * directory role assignments, transitive group checks. Everything goes through the gateway's
 * `$batch` primitive, so independent reads share round trips (the next page of up to 20
 * enumerations in one request) and throttled items are resent after their Retry-After.
 * `graphRequests` counts the round trips made, a resent throttled item included.
 */
import { DependencyError } from "../recovery/errors";
import { candidateSearches } from "../recovery/names";
import { checkMemberGroupsItems, type DirectoryGateway, TAP_POLICY_PATH, type TapPolicy } from "./graph";
import {
  type BatchItem,
  type BatchResult,
  batchItemError,
  type GraphCost,
  inChunks,
  MAX_BATCH_ITEMS,
} from "./graphBatch";
import { searchItem } from "./nameCandidates";
import { odataString } from "./odata";

/** What the diagnostics read of a user. `lastSuccessfulSignInDateTime` only from `signInActivity`. */
export interface DirectoryUserRow {
  id: string;
  userPrincipalName: string;
  accountEnabled: boolean;
  givenName: string | null;
  surname: string | null;
}

export interface Enumeration {
  rows: DirectoryUserRow[];
  /** The enumeration stopped at the row limit: more users exist. */
  truncated: boolean;
}

/** A Conditional Access policy as Graph returns it (the parts the diagnostics read). */
export interface ConditionalAccessPolicy {
  id: string;
  displayName: string;
  state: string;
  conditions: {
    users?: {
      includeUsers?: string[];
      excludeUsers?: string[];
      includeGroups?: string[];
      excludeGroups?: string[];
      includeRoles?: string[];
      excludeRoles?: string[];
    } | null;
    applications?: {
      includeApplications?: string[];
      excludeApplications?: string[];
      includeUserActions?: string[];
    } | null;
    clientAppTypes?: string[] | null;
    locations?: { includeLocations?: string[]; excludeLocations?: string[] } | null;
    platforms?: { includePlatforms?: string[]; excludePlatforms?: string[] } | null;
    signInRiskLevels?: string[] | null;
    userRiskLevels?: string[] | null;
  };
  grantControls?: {
    operator?: string;
    builtInControls?: string[];
    customAuthenticationFactors?: string[];
    termsOfUse?: string[];
    authenticationStrength?: { id?: string; displayName?: string; allowedCombinations?: string[] } | null;
  } | null;
}

export interface RoleAssignment {
  roleDefinitionId: string;
  principalId: string;
  /** "user", "group", "servicePrincipal", … from the expanded principal's `@odata.type`. */
  principalType: string;
  /** A user principal's UPN (global exclusions may name users by UPN). */
  userPrincipalName?: string;
}

const USER_ROW_SELECT = "id,userPrincipalName,accountEnabled,givenName,surname";
/** Graph's largest page for directory objects. */
const PAGE_SIZE = 999;
/** Values per `id in (…)` filter: Graph refuses long `in`/`or` lists; 15 is the limit commonly reported. */
const IDS_PER_FILTER = 15;

function toRow(user: Partial<DirectoryUserRow> & { id: string }): DirectoryUserRow {
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName ?? "",
    accountEnabled: user.accountEnabled === true,
    givenName: user.givenName ?? null,
    surname: user.surname ?? null,
  };
}

/**
 * `@odata.nextLink` is absolute (`https://graph.microsoft.com/v1.0/users?$skiptoken=…`); a
 * `$batch` item wants it relative to the version root.
 */
export function relativeNextLink(nextLink: string): string {
  const url = new URL(nextLink);
  const path = url.pathname.replace(/^\/(v1\.0|beta)(?=\/)/, "");
  return `${path}${url.search}`;
}

/** Candidate searches one name may take in the diagnostics (as many as the match step allows). */
const NAME_SEARCHES_PER_NAME = 4;

export class DiagnosticsReads {
  private readonly cost: GraphCost = { roundTrips: 0 };

  /** Round trips so far, resends included. */
  get graphRequests(): number {
    return this.cost.roundTrips;
  }

  constructor(private readonly gateway: DirectoryGateway) {}

  /** Independent GETs, 20 per round trip; each answer's body, or a DependencyError for that item. */
  private async getAll(operation: string, urls: ReadonlyMap<string, string>): Promise<Map<string, unknown>> {
    const items: BatchItem[] = [...urls].map(([id, url]) => ({ id, method: "GET", url }));
    // The gateway sends them 20 per round trip and resends throttled ones.
    const results = await this.gateway.batch(operation, items, this.cost);
    return new Map(items.map((item) => [item.id, bodyOrError(results.get(item.id), operation)]));
  }

  private async getOne<T>(operation: string, url: string): Promise<T> {
    const body = (await this.getAll(operation, new Map([["1", url]]))).get("1");
    if (body instanceof Error) throw body;
    return body as T;
  }

  getTapPolicy(): Promise<TapPolicy> {
    return this.getOne<TapPolicy>("TAP policy read", TAP_POLICY_PATH);
  }

  /** Every Conditional Access policy (needs Policy.Read.All), following `@odata.nextLink`. */
  async listConditionalAccessPolicies(): Promise<ConditionalAccessPolicy[]> {
    const policies: ConditionalAccessPolicy[] = [];
    let url: string | undefined = "/identity/conditionalAccess/policies";
    for (let pages = 0; url && pages < 20; pages++) {
      const body: { value: ConditionalAccessPolicy[]; "@odata.nextLink"?: string } = await this.getOne(
        "Conditional Access read",
        url,
      );
      policies.push(...body.value);
      url = body["@odata.nextLink"] ? relativeNextLink(body["@odata.nextLink"]) : undefined;
    }
    return policies;
  }

  /**
   * Assignments of the given directory roles (template ids) with their principal's type, one
   * `$filter` per role, batched (needs RoleManagement.Read.Directory).
   */
  async roleAssignments(roleDefinitionIds: readonly string[]): Promise<RoleAssignment[]> {
    const urls = new Map(
      roleDefinitionIds.map((role, i) => [
        `r${i}`,
        `/roleManagement/directory/roleAssignments?$filter=${encodeURIComponent(
          `roleDefinitionId eq ${odataString(role)}`,
        )}&$expand=principal`,
      ]),
    );
    const bodies = await this.getAll("role assignment read", urls);
    const out: RoleAssignment[] = [];
    for (const body of bodies.values()) {
      if (body instanceof Error) throw body;
      for (const a of (
        body as {
          value: {
            roleDefinitionId: string;
            principalId: string;
            principal?: { "@odata.type"?: string; userPrincipalName?: string | null };
          }[];
        }
      ).value) {
        const type = a.principal?.["@odata.type"]?.replace("#microsoft.graph.", "") ?? "unknown";
        const upn = a.principal?.userPrincipalName;
        out.push({
          roleDefinitionId: a.roleDefinitionId,
          principalId: a.principalId,
          principalType: type,
          ...(upn ? { userPrincipalName: upn } : {}),
        });
      }
    }
    return out;
  }

  /**
   * Users of several sources at once, page by page (999 per page): each round trip asks for the
   * next page of up to 20 unfinished sources. A source stops after `maxRows` rows and is then
   * marked truncated, so the work is bounded whatever the tenant's size. Sources are relative
   * URLs (a group's `transitiveMembers/microsoft.graph.user`, or `/users`).
   */
  async enumerate(
    sources: ReadonlyMap<string, string>,
    maxRows: number,
  ): Promise<Map<string, Enumeration | DependencyError>> {
    const out = new Map<string, Enumeration | DependencyError>();
    const next = new Map<string, string>();
    for (const [key, url] of sources) {
      out.set(key, { rows: [], truncated: false });
      next.set(key, url);
    }
    while (next.size > 0) {
      const round = new Map([...next].slice(0, MAX_BATCH_ITEMS));
      const bodies = await this.getAll("user enumeration", round);
      for (const [key, body] of bodies) {
        next.delete(key);
        if (body instanceof DependencyError) {
          out.set(key, body);
          continue;
        }
        const page = body as {
          value: (Partial<DirectoryUserRow> & { id: string })[];
          "@odata.nextLink"?: string;
        };
        const result = out.get(key) as Enumeration;
        for (const user of page.value) result.rows.push(toRow(user));
        if (!page["@odata.nextLink"]) continue;
        if (result.rows.length >= maxRows) result.truncated = true;
        else next.set(key, relativeNextLink(page["@odata.nextLink"]));
      }
    }
    return out;
  }

  /** The transitive user members of a group, for `enumerate`. */
  static groupMembersUrl(groupId: string): string {
    return `/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?$select=${USER_ROW_SELECT}&$top=${PAGE_SIZE}`;
  }

  /** Every user of the tenant, for `enumerate`. */
  static allUsersUrl(): string {
    return `/users?$select=${USER_ROW_SELECT}&$top=${PAGE_SIZE}`;
  }

  /**
   * Every account a credential bearing one of `names` could match: the name candidate query
   * discovery and the match use (`names.candidateSearches`, `$search` with `ConsistencyLevel:
   * eventual`), 20 searches per round trip. `complete` is false when a name was too wide to query
   * or an answer had a further page. For namesakes when listing the whole tenant is too much.
   */
  async accountsNamed(
    names: readonly { givenName: string; surname: string }[],
  ): Promise<{ rows: DirectoryUserRow[]; complete: boolean }> {
    const items: BatchItem[] = [];
    let complete = true;
    for (const [i, { givenName, surname }] of names.entries()) {
      const query = candidateSearches({ firstName: givenName, lastName: surname }, NAME_SEARCHES_PER_NAME);
      if (!query.ok) {
        complete = false;
        continue;
      }
      query.searches.forEach((search, j) => {
        items.push(searchItem(`n${i}_${j}`, search, USER_ROW_SELECT));
      });
    }
    const results = await this.gateway.batch("namesake lookup", items, this.cost);
    const out = new Map<string, DirectoryUserRow>();
    for (const item of items) {
      const body = bodyOrError(results.get(item.id), "namesake lookup");
      if (body instanceof Error) throw body;
      const page = body as {
        value: (Partial<DirectoryUserRow> & { id: string })[];
        "@odata.nextLink"?: string;
      };
      if (page["@odata.nextLink"] !== undefined) complete = false;
      for (const u of page.value) out.set(u.id, toRow(u));
    }
    return { rows: [...out.values()], complete };
  }

  /**
   * `signInActivity.lastSuccessfulSignInDateTime` of the given users (null: never), 15 ids per
   * `id in (…)` filter and 20 filters per round trip — 300 users a round trip (needs
   * AuditLog.Read.All and Entra ID P1). signInActivity cannot be selected on group members.
   */
  async lastSuccessfulSignIns(userIds: readonly string[]): Promise<Map<string, string | null>> {
    const urls = new Map<string, string>();
    for (const [i, chunk] of inChunks(userIds, IDS_PER_FILTER).entries()) {
      const ids = chunk.map(odataString);
      urls.set(
        `s${i}`,
        `/users?$filter=${encodeURIComponent(`id in (${ids.join(",")})`)}&$select=id,signInActivity&$top=${IDS_PER_FILTER}`,
      );
    }
    const out = new Map<string, string | null>();
    for (const body of (await this.getAll("sign-in activity read", urls)).values()) {
      if (body instanceof Error) throw body;
      for (const u of (
        body as {
          value: { id: string; signInActivity?: { lastSuccessfulSignInDateTime?: string | null } | null }[];
        }
      ).value) {
        out.set(u.id, u.signInActivity?.lastSuccessfulSignInDateTime ?? null);
      }
    }
    return out;
  }

  /**
   * Which of `groupIds` each user is a transitive member of (checkMemberGroups, 20 groups per
   * item, 20 items per round trip). A principal that is not a user answers 404: left out.
   */
  async memberGroups(
    userIds: readonly string[],
    groupIds: readonly string[],
  ): Promise<Map<string, Set<string>>> {
    const items: BatchItem[] = [];
    const owner = new Map<string, string>();
    for (const [u, userId] of userIds.entries()) {
      for (const item of checkMemberGroupsItems(userId, groupIds, (g) => `m${u}_${g}`)) {
        owner.set(item.id, userId);
        items.push(item);
      }
    }
    const out = new Map<string, Set<string>>();
    const results = await this.gateway.batch("group check", items, this.cost);
    for (const item of items) {
      const userId = owner.get(item.id);
      if (userId === undefined) continue; // every item was made for a user
      const result = results.get(item.id);
      if (result?.status === 404) continue;
      const body = bodyOrError(result, "group check");
      if (body instanceof Error) throw body;
      const set = out.get(userId) ?? new Set<string>();
      for (const g of (body as { value: string[] }).value) set.add(g);
      out.set(userId, set);
    }
    return out;
  }
}

/** A batch item's body, or the error a direct call would have thrown. */
function bodyOrError(result: BatchResult | undefined, operation: string): unknown {
  return batchItemError(result, operation) ?? result?.body;
}
