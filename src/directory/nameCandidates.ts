/**
 * The name candidate query over Graph: the `$search` requests of `names.candidateSearches` as
 * `$batch` items, and their answers read back into the accounts a name could match. Graph only
 * narrows; our own name rule (src/recovery/names.ts) judges the answer afterwards. Discovery and
 * the match read candidates with the gateway; the diagnostics' namesake lookup sends the same
 * requests.
 */
import type { NamedAccount } from "../recovery/names";
import { type BatchItem, type BatchResult, batchBody } from "./graphBatch";

/** Graph's largest page for directory objects: a search answered in one page is complete. */
export const CANDIDATE_PAGE = 999;

/** One `$search` over users (advanced query: `ConsistencyLevel: eventual`, with `$count`). */
export function searchItem(id: string, search: string, select: string): BatchItem {
  return {
    id,
    method: "GET",
    url: `/users?$search=${encodeURIComponent(search)}&$select=${select}&$top=${CANDIDATE_PAGE}&$count=true`,
    headers: { ConsistencyLevel: "eventual" },
  };
}

/** A page of users as `$search` answers it. */
export interface SearchPage<T> {
  value: T[];
  "@odata.nextLink"?: string;
  "@odata.count"?: number;
}

/** An account returned by the name candidate query, with the binding attributes asked for. */
export interface CandidateAccount extends NamedAccount {
  attributes: Record<string, string | null>;
}

/**
 * The accounts a name could match (`names.candidateSearches`), read by our own rule afterwards.
 * `complete`: Graph answered every search in full (no further page); otherwise some candidate
 * may be missing and the caller must not conclude that a name is unique.
 */
export interface NameCandidates {
  complete: boolean;
  accounts: CandidateAccount[];
}

/** What a name too wide to query yields: nothing, and not complete. */
export function unqueried(): NameCandidates {
  return { complete: false, accounts: [] };
}

/** A user with the binding attributes (`employeeId`, `extensionAttribute1`…`15`) selected. */
export interface UserWithAttributes {
  employeeId?: string | null;
  onPremisesExtensionAttributes?: Record<string, string | null> | null;
}

/** The `$select` that reads the binding attributes, when any are wanted. */
export function attributeSelect(attributes: readonly string[]): string[] {
  return attributes.length > 0 ? ["employeeId", "onPremisesExtensionAttributes"] : [];
}

export function attributesOf(
  user: UserWithAttributes,
  names: readonly string[],
): Record<string, string | null> {
  const attributes: Record<string, string | null> = {};
  for (const name of names) {
    attributes[name] =
      name === "employeeId"
        ? (user.employeeId ?? null)
        : (user.onPremisesExtensionAttributes?.[name] ?? null);
  }
  return attributes;
}

/** The `$batch` items of a candidate query (ids `names0`, `names1`…). */
export function candidateItems(searches: readonly string[], attributes: readonly string[]): BatchItem[] {
  const select = ["id,accountEnabled,givenName,surname", ...attributeSelect(attributes)].join(",");
  return searches.map((search, i) => searchItem(`names${i}`, search, select));
}

type CandidateUser = UserWithAttributes & {
  id: string;
  accountEnabled?: boolean;
  givenName?: string | null;
  surname?: string | null;
};

/** The answers to `candidateItems` (`count` searches), one account per id. */
export function candidatesFrom(
  results: ReadonlyMap<string, BatchResult>,
  count: number,
  attributes: readonly string[],
): NameCandidates {
  const accounts = new Map<string, CandidateAccount>();
  let complete = true;
  for (let i = 0; i < count; i++) {
    const page = batchBody<SearchPage<CandidateUser>>(results, `names${i}`, "name candidate search");
    if (page["@odata.nextLink"] !== undefined) complete = false;
    if (typeof page["@odata.count"] === "number" && page["@odata.count"] > page.value.length)
      complete = false;
    for (const u of page.value) {
      accounts.set(u.id, {
        id: u.id,
        accountEnabled: u.accountEnabled === true,
        givenName: u.givenName ?? null,
        surname: u.surname ?? null,
        attributes: attributesOf(u, attributes),
      });
    }
  }
  return { complete, accounts: [...accounts.values()] };
}
