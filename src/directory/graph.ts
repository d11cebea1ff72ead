/**
 * The directory gateway: the Microsoft Graph reads and writes the recovery steps make, each a
 * use case in as few round trips as it can take (discovery's account lookup and its facts, the
 * match read, the recovery's writes, the notices). The client and its middleware live in
 * graphClient.ts, the `$batch` engine in graphBatch.ts, the failure type in graphError.ts, the
 * name candidate query's items in nameCandidates.ts.
 */
import type { TokenCredential } from "@azure/identity";
import type { Client } from "@microsoft/microsoft-graph-client";
import type { DirectoryAccount } from "../recovery/eligibility";
import { asCredential, type CredentialNames, candidateSearches } from "../recovery/names";
import {
  answerOf,
  type BatchItem,
  type BatchResult,
  batchBody,
  batchErrorCode,
  GraphBatch,
  type GraphCost,
  inChunks,
  serial,
  succeeded,
} from "./graphBatch";
import { createGraphClient } from "./graphClient";
import { callGraph, graphRequestError, isSdkGraphError } from "./graphError";
import {
  attributeSelect,
  attributesOf,
  candidateItems,
  candidatesFrom,
  type NameCandidates,
  type UserWithAttributes,
  unqueried,
} from "./nameCandidates";
import { odataString } from "./odata";

export { batchErrorCode } from "./graphBatch";

/** Name candidate searches a step may add to its `$batch` (each one item of the 20). */
const DISCOVERY_SEARCHES = 2;
const MATCH_SEARCHES = 4;
const USER_SELECT = "id,accountEnabled,givenName,surname,userPrincipalName,signInActivity";
/** Groups per checkMemberGroups request (Graph's limit). */
const GROUPS_PER_CHECK = 20;

export const TAP_POLICY_PATH =
  "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass";

interface GraphUser {
  id: string;
  userPrincipalName: string;
  accountEnabled?: boolean;
  givenName?: string | null;
  surname?: string | null;
  signInActivity?: { lastSuccessfulSignInDateTime?: string | null } | null;
}

function toAccount(user: GraphUser): DirectoryAccount {
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    accountEnabled: user.accountEnabled === true,
    givenName: user.givenName ?? null,
    surname: user.surname ?? null,
    lastSuccessfulSignInDateTime: user.signInActivity?.lastSuccessfulSignInDateTime ?? null,
  };
}

export interface AuthenticationMethod {
  odataType: string;
  id: string;
  phoneType?: string;
}

/** What became of one method in a reset: `refused` carries Graph's status and error code. */
export interface MethodDeletion {
  method: AuthenticationMethod;
  outcome: "deleted" | "already_gone" | "refused" | "not_run";
  status: number;
  code?: string;
}

export interface TapPolicy {
  state: string;
  defaultLifetimeInMinutes: number;
  minimumLifetimeInMinutes: number;
  maximumLifetimeInMinutes: number;
  isUsableOnce: boolean;
  includeTargets: { targetType: string; id: string }[];
  excludeTargets: { targetType: string; id: string }[];
}

export interface CreatedTap {
  temporaryAccessPass: string;
  startDateTime: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
}

/**
 * `@odata.type` → the v1.0 collection its DELETE goes to (docs/facts.md §8; every collection of the
 * `authentication` entity in msgraph-metadata schemas/v1.0-Prod.csdl). Not here, so never
 * deleted and named in the audit as remaining: the password (passwordMethods is not
 * deletable), qrCodePin (a v1.0 type without a v1.0 collection, docs/facts.md §14), and any type
 * Graph adds later.
 */
export const METHOD_COLLECTIONS: Readonly<Record<string, string>> = {
  "#microsoft.graph.fido2AuthenticationMethod": "fido2Methods",
  "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod": "microsoftAuthenticatorMethods",
  "#microsoft.graph.phoneAuthenticationMethod": "phoneMethods",
  "#microsoft.graph.softwareOathAuthenticationMethod": "softwareOathMethods",
  "#microsoft.graph.emailAuthenticationMethod": "emailMethods",
  "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod": "windowsHelloForBusinessMethods",
  "#microsoft.graph.temporaryAccessPassAuthenticationMethod": "temporaryAccessPassMethods",
  "#microsoft.graph.platformCredentialAuthenticationMethod": "platformCredentialMethods",
  "#microsoft.graph.externalAuthenticationMethod": "externalAuthenticationMethods",
};

/**
 * Collections whose documented DELETE addresses the reference: an external method is removed
 * with DELETE .../externalAuthenticationMethods/{id}/$ref (learn.microsoft.com,
 * authentication-delete-externalauthenticationmethods, v1.0).
 */
const DELETE_BY_REF = new Set(["externalAuthenticationMethods"]);

/** The relative URL that deletes `method` of `userId` (undefined: not deletable through v1.0). */
function methodDeletionUrl(userId: string, method: { odataType: string; id: string }): string | undefined {
  const collection = Object.hasOwn(METHOD_COLLECTIONS, method.odataType)
    ? METHOD_COLLECTIONS[method.odataType]
    : undefined;
  if (!collection) return undefined;
  const ref = DELETE_BY_REF.has(collection) ? "/$ref" : "";
  return `/users/${encodeURIComponent(userId)}/authentication/${collection}/${encodeURIComponent(method.id)}${ref}`;
}

/**
 * checkMemberGroups items for `groupIds` (20 groups per item), the item of the n-th 20 named
 * `idOf(n)`: transitive membership, read in the `$batch` of a step.
 */
export function checkMemberGroupsItems(
  userId: string,
  groupIds: readonly string[],
  idOf: (chunk: number) => string,
): BatchItem[] {
  return inChunks(groupIds, GROUPS_PER_CHECK).map((chunk, i) => ({
    id: idOf(i),
    method: "POST",
    url: `/users/${encodeURIComponent(userId)}/checkMemberGroups`,
    body: { groupIds: chunk },
  }));
}

/** The groups the answers to `checkMemberGroupsItems` name. */
function memberOfFrom(results: ReadonlyMap<string, BatchResult>, items: readonly BatchItem[]): Set<string> {
  const memberOf = new Set<string>();
  for (const item of items) {
    for (const id of batchBody<{ value: string[] }>(results, item.id, "group check").value) memberOf.add(id);
  }
  return memberOf;
}

/** What `readForMatch` reads besides the account. */
export interface MatchReadRequest {
  /** Binding attributes (`employeeId`, `extensionAttribute1`…`15`). */
  attributes: readonly string[];
  /** The addresses a notice goes to. */
  contacts: boolean;
  manager: boolean;
  /** Production: what the recovery step needs (methods, TAP policy, membership in these groups). */
  recovery?: { tapPolicyGroups: readonly string[] };
  /** The presented credential's names: the accounts they could match are read too (uniqueness). */
  candidatesFor?: CredentialNames;
}

export interface NoticeContacts {
  userPrincipalName: string;
  mail: string | null;
  otherMails: string[];
  /** The user's language for mail (`en-US`, `de-DE`, …), null when the directory has none. */
  preferredLanguage: string | null;
}

export interface MatchFacts {
  account: DirectoryAccount | undefined;
  attributes: Record<string, string | null>;
  contacts?: NoticeContacts;
  /** null: no manager, or one without mail. */
  managerMail?: string | null;
  methods?: AuthenticationMethod[];
  tapPolicy?: TapPolicy;
  memberOf?: Set<string>;
  /** When `candidatesFor` was given (a name too wide to query: empty and incomplete). */
  candidates?: NameCandidates;
}

export interface RecoveryWrites {
  /** In deletion order (docs/facts.md §8). */
  deletions: readonly AuthenticationMethod[];
  revoke: boolean;
  tap?: { lifetimeInMinutes: number; isUsableOnce: boolean };
}

/** `status` and `code` of a write that failed (424: not run, an earlier one failed). */
export interface WriteFailure {
  status: number;
  code?: string | undefined;
}

export interface RecoveryWriteOutcome {
  deletions: MethodDeletion[];
  revoke?: WriteFailure;
  tap?: { created: CreatedTap } | WriteFailure;
}

export interface MailMessage {
  subject: string;
  text: string;
  to: readonly string[];
  cc?: readonly string[];
}

function sendMailBody(message: MailMessage): unknown {
  const recipients = (list: readonly string[]) => list.map((address) => ({ emailAddress: { address } }));
  return {
    message: {
      subject: message.subject,
      body: { contentType: "Text", content: message.text },
      toRecipients: recipients(message.to),
      ...(message.cc?.length ? { ccRecipients: recipients(message.cc) } : {}),
    },
    saveToSentItems: false,
  };
}

function toMethod(m: { "@odata.type": string; id: string; phoneType?: string }): AuthenticationMethod {
  return { odataType: m["@odata.type"], id: m.id, ...(m.phoneType ? { phoneType: m.phoneType } : {}) };
}

function toCreatedTap(created: CreatedTap & { createdDateTime?: string }): CreatedTap {
  return {
    temporaryAccessPass: created.temporaryAccessPass,
    startDateTime: created.startDateTime ?? created.createdDateTime ?? new Date().toISOString(),
    lifetimeInMinutes: created.lifetimeInMinutes,
    isUsableOnce: created.isUsableOnce,
  };
}

export interface DirectoryGatewayOptions {
  /**
   * `false` sends every item of a would-be `$batch` as a request of its own, in order (a
   * diagnostic and benchmark switch: the round trips batching saves, measured).
   */
  batching?: boolean;
  sleep?: (ms: number) => Promise<void>;
  /** Per-request timeout (default 30 s): a hung call fails as transient instead of holding an activity forever. */
  timeoutMs?: number;
}

export class DirectoryGateway {
  private readonly batcher: GraphBatch;

  constructor(
    private readonly client: Client,
    options: DirectoryGatewayOptions = {},
  ) {
    this.batcher = new GraphBatch(client, {
      batching: options.batching ?? true,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    });
  }

  static create(
    baseUrl: string,
    credential: TokenCredential,
    options: DirectoryGatewayOptions = {},
  ): DirectoryGateway {
    return new DirectoryGateway(createGraphClient(baseUrl, credential, options.timeoutMs ?? 30_000), options);
  }

  /** Sends `items` through the `$batch` engine (GraphBatch.send): the diagnostics' reads go this way. */
  batch(operation: string, items: readonly BatchItem[], cost?: GraphCost): Promise<Map<string, BatchResult>> {
    return this.batcher.send(operation, items, cost);
  }

  /**
   * The account a typed username names (UPN or mail, case-insensitive; two accounts answering
   * to one name count as none, rather than a guess) and the tenant's TAP policy, in one `$batch`
   * round trip. Listing users accepts `$select=signInActivity` with `$filter`; reading one
   * user by UPN would not.
   */
  async findAccount(
    username: string,
  ): Promise<{ account: DirectoryAccount | undefined; tapPolicy: TapPolicy }> {
    const filter = `userPrincipalName eq ${odataString(username)} or mail eq ${odataString(username)}`;
    const results = await this.batch("account lookup", [
      {
        id: "user",
        method: "GET",
        url: `/users?$filter=${encodeURIComponent(filter)}&$select=${USER_SELECT}&$top=2`,
      },
      { id: "tap", method: "GET", url: TAP_POLICY_PATH },
    ]);
    const found = batchBody<{ value: GraphUser[] }>(results, "user", "account lookup");
    return {
      account: found.value.length === 1 && found.value[0] ? toAccount(found.value[0]) : undefined,
      tapPolicy: batchBody<TapPolicy>(results, "tap", "TAP policy read"),
    };
  }

  /** The subset of `groupIds` the user is a transitive member of (checkMemberGroups, 20 per call). */
  async memberOf(userId: string, groupIds: readonly string[]): Promise<Set<string>> {
    const result = new Set<string>();
    for (const chunk of inChunks(groupIds, GROUPS_PER_CHECK)) {
      const response = await callGraph(
        "group check",
        () =>
          this.client
            .api(`/users/${encodeURIComponent(userId)}/checkMemberGroups`)
            .post({ groupIds: chunk }) as Promise<{ value: string[] }>,
      );
      for (const id of response.value) result.add(id);
    }
    return result;
  }

  /**
   * Everything discovery needs after the account lookup, in one `$batch` round trip (up to
   * 360 groups): transitive membership among `groupIds` (checkMemberGroups, 20 per item), and
   * the accounts the account's own name could match or be matched by (the name candidate
   * query of `names.candidateSearches`, judged by the profile's rule afterwards). A name too
   * wide to query in two searches comes back incomplete.
   */
  async discoveryFacts(
    account: DirectoryAccount,
    groupIds: readonly string[],
  ): Promise<{ memberOf: Set<string>; candidates: NameCandidates }> {
    const groupItems = checkMemberGroupsItems(account.id, groupIds, (i) => `groups${i}`);
    const items: BatchItem[] = [...groupItems];
    const query = candidateSearches(asCredential(account), DISCOVERY_SEARCHES);
    if (query.ok) items.push(...candidateItems(query.searches, []));
    const results = items.length > 0 ? await this.batch("discovery", items) : new Map<string, BatchResult>();
    const memberOf = memberOfFrom(results, groupItems);
    const candidates = query.ok ? candidatesFrom(results, query.searches.length, []) : unqueried();
    return { memberOf, candidates };
  }

  /**
   * Everything the match and the recovery after it read, in one `$batch` round trip: the
   * account (names, state, the binding attributes, the notice addresses), the manager's mail,
   * and for a Production recovery the methods to delete, the TAP policy and the user's
   * membership in the groups it names. Read together so the write step that follows needs no
   * read of its own.
   */
  async readForMatch(userId: string, wanted: MatchReadRequest): Promise<MatchFacts> {
    const user = encodeURIComponent(userId);
    const select = [
      USER_SELECT,
      ...attributeSelect(wanted.attributes),
      // preferredLanguage: the notices' language, read in this same round trip.
      ...(wanted.contacts ? ["mail", "otherMails", "preferredLanguage"] : []),
    ].join(",");
    const items: BatchItem[] = [{ id: "user", method: "GET", url: `/users/${user}?$select=${select}` }];
    if (wanted.manager)
      items.push({ id: "manager", method: "GET", url: `/users/${user}/manager?$select=id,mail` });
    const groupItems = wanted.recovery
      ? checkMemberGroupsItems(userId, wanted.recovery.tapPolicyGroups, (i) => `groups${i}`)
      : [];
    if (wanted.recovery) {
      items.push({ id: "methods", method: "GET", url: `/users/${user}/authentication/methods` });
      items.push({ id: "tap", method: "GET", url: TAP_POLICY_PATH });
      items.push(...groupItems);
    }
    const query = wanted.candidatesFor ? candidateSearches(wanted.candidatesFor, MATCH_SEARCHES) : undefined;
    if (query?.ok) items.push(...candidateItems(query.searches, wanted.attributes));
    const results = await this.batch("match read", items);
    if (results.get("user")?.status === 404) return { account: undefined, attributes: {} };
    const found = batchBody<
      GraphUser &
        UserWithAttributes & {
          mail?: string | null;
          otherMails?: string[] | null;
          preferredLanguage?: string | null;
        }
    >(results, "user", "user read");
    const facts: MatchFacts = {
      account: toAccount(found),
      attributes: attributesOf(found, wanted.attributes),
    };
    if (query)
      facts.candidates = query.ok
        ? candidatesFrom(results, query.searches.length, wanted.attributes)
        : unqueried();
    if (wanted.contacts) {
      facts.contacts = {
        userPrincipalName: found.userPrincipalName,
        mail: found.mail ?? null,
        otherMails: found.otherMails ?? [],
        preferredLanguage: found.preferredLanguage ?? null,
      };
    }
    if (wanted.manager) {
      facts.managerMail =
        results.get("manager")?.status === 404
          ? null
          : (batchBody<{ mail?: string | null }>(results, "manager", "manager read").mail ?? null);
    }
    if (wanted.recovery) {
      facts.methods = batchBody<{ value: { "@odata.type": string; id: string; phoneType?: string }[] }>(
        results,
        "methods",
        "method list",
      ).value.map(toMethod);
      facts.tapPolicy = batchBody<TapPolicy>(results, "tap", "TAP policy read");
      facts.memberOf = memberOfFrom(results, groupItems);
    }
    return facts;
  }

  /**
   * The directory writes of a recovery in one serial `$batch` (each item runs only if the one
   * before succeeded): the method deletions in `deletions`' order, the session revocation,
   * then the TAP. So no TAP is issued unless every method is gone and the sessions revoked, and
   * nothing after a failure runs. Graph refuses to delete the default MFA method while other
   * methods remain: a deletion refused 400 is moved to the end of the chain and the rest is sent
   * once more (one more round trip, only then). A method already gone (404) counts as deleted.
   */
  async applyRecovery(userId: string, plan: RecoveryWrites): Promise<RecoveryWriteOutcome> {
    const user = encodeURIComponent(userId);
    const deletionItem = (method: AuthenticationMethod, i: number): BatchItem => {
      const url = methodDeletionUrl(userId, method);
      if (!url) throw new TypeError(`not a deletable method type: ${method.odataType}`);
      return { id: `d${i}`, method: "DELETE", url };
    };
    const deletions = new Map<string, MethodDeletion>();
    let order = [...plan.deletions];
    let revoke: BatchResult | undefined;
    let tap: BatchResult | undefined;
    for (let pass = 1; pass <= 2; pass++) {
      const items = order.map(deletionItem);
      if (plan.revoke)
        items.push({ id: "revoke", method: "POST", url: `/users/${user}/revokeSignInSessions`, body: {} });
      if (plan.tap)
        items.push({
          id: "tap",
          method: "POST",
          url: `/users/${user}/authentication/temporaryAccessPassMethods`,
          body: plan.tap,
        });
      const answers = await this.batch("recovery", serial(items));
      order.forEach((method, i) => {
        const answer = answerOf(answers, `d${i}`, "authentication method deletion");
        const outcome: MethodDeletion["outcome"] =
          answer.status === 204 || answer.status === 200
            ? "deleted"
            : answer.status === 404
              ? "already_gone"
              : answer.status === 424
                ? "not_run"
                : "refused";
        deletions.set(method.id, {
          method,
          outcome,
          status: answer.status,
          ...(outcome === "refused" ? { code: batchErrorCode(answer) ?? "unknown" } : {}),
        });
      });
      revoke = answers.get("revoke");
      tap = answers.get("tap");
      const refusedByOrder = order.filter((m) => deletions.get(m.id)?.status === 400);
      const undone = order.filter((m) => deletions.get(m.id)?.outcome === "not_run");
      if (pass === 2 || refusedByOrder.length === 0 || undone.length === 0) break;
      order = [...undone, ...refusedByOrder];
    }
    return {
      deletions: [...deletions.values()],
      ...(revoke && !succeeded(revoke)
        ? { revoke: { status: revoke.status, code: batchErrorCode(revoke) } }
        : {}),
      ...(tap
        ? succeeded(tap)
          ? { tap: { created: toCreatedTap(tap.body as CreatedTap & { createdDateTime?: string }) } }
          : { tap: { status: tap.status, code: batchErrorCode(tap) } }
        : {}),
    };
  }

  /**
   * Every authentication method of the user with its creation time where its type has one
   * (a repudiation keeps what predates the recovery). One request: the methods of one user fit
   * one page.
   */
  async listMethodsWithCreation(
    userId: string,
  ): Promise<(AuthenticationMethod & { createdDateTime: string | null })[]> {
    const page = await callGraph(
      "method list",
      () =>
        this.client.api(`/users/${encodeURIComponent(userId)}/authentication/methods`).get() as Promise<{
          value: { "@odata.type": string; id: string; phoneType?: string; createdDateTime?: string | null }[];
        }>,
    );
    return page.value.map((m) => ({ ...toMethod(m), createdDateTime: m.createdDateTime ?? null }));
  }

  /** Sends messages from `mailbox` in one serial `$batch`: a message goes only if the one before went. */
  async sendMails(mailbox: string, messages: readonly MailMessage[]): Promise<BatchResult[]> {
    const items = messages.map(
      (message, i): BatchItem => ({
        id: `m${i}`,
        method: "POST",
        url: `/users/${encodeURIComponent(mailbox)}/sendMail`,
        body: sendMailBody(message),
      }),
    );
    const answers = await this.batch("sendMail", serial(items));
    return items.map((item) => answerOf(answers, item.id, "sendMail"));
  }

  /** Where a user can be told of a recovery: the other (non-work) addresses, and the work mail. */
  async getMailContacts(userId: string): Promise<{
    userPrincipalName: string;
    mail: string | null;
    otherMails: string[];
    preferredLanguage: string | null;
  }> {
    const user = await callGraph(
      "user contact read",
      () =>
        this.client
          .api(`/users/${encodeURIComponent(userId)}`)
          .select("id,userPrincipalName,mail,otherMails,preferredLanguage")
          .get() as Promise<{
          userPrincipalName: string;
          mail?: string | null;
          otherMails?: string[] | null;
          preferredLanguage?: string | null;
        }>,
    );
    return {
      userPrincipalName: user.userPrincipalName,
      mail: user.mail ?? null,
      otherMails: user.otherMails ?? [],
      preferredLanguage: user.preferredLanguage ?? null,
    };
  }

  /** The mail address of the user's manager, or undefined when there is none (404) or it has no mail. */
  async getManagerMail(userId: string): Promise<string | undefined> {
    try {
      const manager = (await this.client
        .api(`/users/${encodeURIComponent(userId)}/manager`)
        .select("id,mail")
        .get()) as { mail?: string | null };
      return manager.mail ?? undefined;
    } catch (err) {
      if (isSdkGraphError(err) && err.statusCode === 404) return undefined;
      throw graphRequestError("manager read", err);
    }
  }
}
