/**
 * The directory gateway: every Microsoft Graph call the service makes, through the real
 * `@microsoft/microsoft-graph-client`. The middleware chain is explicit (bearer token →
 * retry honouring Retry-After → per-attempt timeout → fetch) because the SDK's own auth
 * handler attaches tokens only to https Graph hosts, and the local simulator speaks http
 * (FACTS §4). The SDK sets no timeout of its own: without ours a Graph call that never
 * answers would hold its activity (and the recovery) forever.
 */
import type { TokenCredential } from "@azure/identity";
import type { Client, Context, GraphError, Middleware } from "@microsoft/microsoft-graph-client";
import type { DirectoryAccount } from "../recovery/eligibility";
import { DependencyError } from "../recovery/errors";
import { asCredential, type CredentialNames, candidateSearches, type NamedAccount } from "../recovery/names";

type GraphSdk = typeof import("@microsoft/microsoft-graph-client");
let sdk: GraphSdk | undefined;
/** The Graph SDK, loaded when the first gateway is made rather than when the app loads (cold start). */
function graphSdk(): GraphSdk {
  sdk ??= require("@microsoft/microsoft-graph-client") as GraphSdk;
  return sdk;
}

function isGraphError(err: unknown): err is GraphError {
  return sdk !== undefined && err instanceof sdk.GraphError;
}

const GRAPH_SCOPE = "https://graph.microsoft.com/.default";
/** Name candidate searches a step may add to its `$batch` (each one item of the 20). */
const DISCOVERY_SEARCHES = 2;
const MATCH_SEARCHES = 4;
const USER_SELECT = "id,accountEnabled,givenName,surname,userPrincipalName,signInActivity";

/** Attaches the app token to every request (Graph in production, the simulator locally). */
class BearerTokenMiddleware implements Middleware {
  private next: Middleware | undefined;
  constructor(private readonly credential: TokenCredential) {}

  async execute(context: Context): Promise<void> {
    const token = await this.credential.getToken(GRAPH_SCOPE);
    if (!token) throw new DependencyError("directory_error", "no Graph token", true);
    context.options ??= {};
    const options = context.options;
    const headers = new Headers(options.headers as HeadersInit | undefined);
    headers.set("Authorization", `Bearer ${token.token}`);
    options.headers = headers;
    if (context.request instanceof Request)
      context.request.headers.set("Authorization", `Bearer ${token.token}`);
    await this.next!.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/**
 * Aborts one attempt that has not answered within `timeoutMs`. It sits after the retry
 * handler so every attempt gets the full time (a Retry-After wait is not counted), and the
 * abort surfaces as a network failure, which the gateway reports as transient.
 */
class RequestTimeoutMiddleware implements Middleware {
  private next: Middleware | undefined;
  constructor(private readonly timeoutMs: number) {}

  async execute(context: Context): Promise<void> {
    context.options = { ...context.options, signal: AbortSignal.timeout(this.timeoutMs) };
    await this.next!.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

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
 * `@odata.type` → the v1.0 collection its DELETE goes to (FACTS §8; every collection of the
 * `authentication` entity in msgraph-metadata schemas/v1.0-Prod.csdl). Not here, so never
 * deleted and named in the audit as remaining: the password (passwordMethods is not
 * deletable), qrCodePin (a v1.0 type without a v1.0 collection, FACTS §14), and any type
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
export function methodDeletionUrl(
  userId: string,
  method: { odataType: string; id: string },
): string | undefined {
  const collection = Object.hasOwn(METHOD_COLLECTIONS, method.odataType)
    ? METHOD_COLLECTIONS[method.odataType]
    : undefined;
  if (!collection) return undefined;
  const ref = DELETE_BY_REF.has(collection) ? "/$ref" : "";
  return `/users/${encodeURIComponent(userId)}/authentication/${collection}/${encodeURIComponent(method.id)}${ref}`;
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

const CANDIDATE_PAGE = 999;

/** The `$search` items of a candidate query (advanced query: `ConsistencyLevel: eventual`). */
function candidateItems(searches: readonly string[], attributes: readonly string[]): BatchItem[] {
  const select = [
    "id,accountEnabled,givenName,surname",
    ...(attributes.length > 0 ? ["employeeId", "onPremisesExtensionAttributes"] : []),
  ].join(",");
  return searches.map((search, i) => ({
    id: `names${i}`,
    method: "GET",
    url: `/users?$search=${encodeURIComponent(search)}&$select=${select}&$top=${CANDIDATE_PAGE}&$count=true`,
    headers: { ConsistencyLevel: "eventual" },
  }));
}

type CandidateUser = GraphUser & {
  employeeId?: string | null;
  onPremisesExtensionAttributes?: Record<string, string | null> | null;
};

function attributesOf(user: CandidateUser, names: readonly string[]): Record<string, string | null> {
  const attributes: Record<string, string | null> = {};
  for (const name of names) {
    attributes[name] =
      name === "employeeId"
        ? (user.employeeId ?? null)
        : (user.onPremisesExtensionAttributes?.[name] ?? null);
  }
  return attributes;
}

function candidatesFrom(
  results: ReadonlyMap<string, BatchResult>,
  count: number,
  attributes: readonly string[],
): NameCandidates {
  const accounts = new Map<string, CandidateAccount>();
  let complete = true;
  for (let i = 0; i < count; i++) {
    const page = batchBody<{ value: CandidateUser[]; "@odata.nextLink"?: string; "@odata.count"?: number }>(
      results,
      `names${i}`,
      "name candidate search",
    );
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

function escapeOData(value: string): string {
  return value.replace(/'/g, "''");
}

function isTransient(status: number | undefined): boolean {
  return status === undefined || status === 429 || status >= 500 || status === 408;
}

function directoryError(operation: string, err: unknown): DependencyError {
  const status = isGraphError(err) ? err.statusCode : undefined;
  const code = isGraphError(err) ? err.code : undefined;
  const graphStatus = status === -1 ? undefined : status;
  const error = new DependencyError(
    "directory_error",
    `Graph ${operation} failed (${graphStatus ?? "network"}${code ? ` ${code}` : ""})`,
    isTransient(graphStatus),
    { cause: err },
  );
  return Object.assign(error, { graphStatus, graphCode: code });
}

export function graphStatusOf(err: unknown): number | undefined {
  return (err as { graphStatus?: number }).graphStatus;
}

/**
 * One item of a JSON `$batch` (FACTS §13): `url` is relative to the version root, e.g. `/users/{id}`.
 * `dependsOn`: the item runs only after that one succeeded (else it is answered 424 unrun). Graph
 * accepts a batch fully parallel or fully serial (each item depending on the one before).
 */
export interface BatchItem {
  id: string;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  url: string;
  body?: unknown;
  dependsOn?: string;
  /** Request headers of the item (e.g. `ConsistencyLevel` for `$search`). */
  headers?: Record<string, string>;
}

export interface BatchResult {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Graph's limit of items per `$batch` request. */
export const MAX_BATCH_ITEMS = 20;
const BATCH_ATTEMPTS = 4;
const MAX_RETRY_AFTER_SECONDS = 60;

function retryAfterSeconds(result: BatchResult): number {
  const header = Object.entries(result.headers).find(([name]) => name.toLowerCase() === "retry-after")?.[1];
  const seconds = header === undefined ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, MAX_RETRY_AFTER_SECONDS) : 1;
}

/** A batch item Graph asks us to send again: throttled or briefly unavailable. */
function retryable(result: BatchResult): boolean {
  return result.status === 429 || result.status === 503 || result.status === 504;
}

function succeeded(result: BatchResult | undefined): boolean {
  return result !== undefined && result.status >= 200 && result.status < 300;
}

/** The answer Graph gives a dependant whose dependency failed (FACTS §13). */
function failedDependency(id: string): BatchResult {
  return {
    id,
    status: 424,
    headers: {},
    body: { error: { code: "FailedDependency", message: "A request this one depends on failed." } },
  };
}

/** Serial items: each depends on the one before it (Graph's "serial" batch pattern). */
export function serial(items: readonly BatchItem[]): BatchItem[] {
  return items.map((item, i) => (i === 0 ? { ...item } : { ...item, dependsOn: items[i - 1]!.id }));
}

const TAP_POLICY_PATH =
  "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass";

/** The body of a successful batch item; a failed one throws the DependencyError a direct call would. */
function batchBody<T>(results: ReadonlyMap<string, BatchResult>, id: string, operation: string): T {
  const r = results.get(id);
  if (!r) throw new DependencyError("directory_error", `Graph ${operation}: no answer`, true);
  if (r.status >= 200 && r.status < 300) return r.body as T;
  const code = batchErrorCode(r);
  const error = new DependencyError(
    "directory_error",
    `Graph ${operation} failed (${r.status}${code ? ` ${code}` : ""})`,
    isTransient(r.status),
  );
  throw Object.assign(error, { graphStatus: r.status, graphCode: code });
}

/** The error object of a failed batch item, parsed leniently (FACTS §13). */
export function batchErrorCode(result: BatchResult): string | undefined {
  const body = result.body as { error?: { code?: unknown } } | undefined;
  return typeof body?.error?.code === "string" ? body.error.code : undefined;
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
  /** In deletion order (FACTS §8). */
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

/** How the gateway talks to Graph. */
/** Graph requests sent on one caller's behalf. */
export interface GraphCost {
  roundTrips: number;
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
  private readonly batching: boolean;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: Client,
    options: DirectoryGatewayOptions = {},
  ) {
    this.batching = options.batching ?? true;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Sends items as JSON `$batch` requests (20 per round trip) and returns every item's final
   * answer by id. Items answered 429/503/504 are sent again after the longest `Retry-After`
   * among them, with the dependants that did not run because of them (the outer request's own
   * throttling is the RetryHandler's job); after the last attempt their answer is returned as
   * it is, for the caller to judge. A dependant of an item that failed is answered 424.
   */
  async batch(
    operation: string,
    items: readonly BatchItem[],
    /** Counts the requests sent, resends included, for a caller that reports its cost. */
    cost?: GraphCost,
  ): Promise<Map<string, BatchResult>> {
    const results = new Map<string, BatchResult>();
    let pending = [...items];
    for (let attempt = 1; pending.length > 0; attempt++) {
      const answered = await this.sendItems(operation, pending, results, cost);
      for (const r of answered) results.set(r.id, r);
      const missing = pending.filter((item) => !results.has(item.id));
      if (missing.length > 0)
        throw new DependencyError("directory_error", `Graph ${operation}: $batch answer lacks items`, true);
      const again = answered.filter(retryable);
      if (again.length === 0 || attempt >= BATCH_ATTEMPTS) break;
      await this.sleep(Math.max(...again.map(retryAfterSeconds)) * 1000);
      const ids = new Set(again.map((r) => r.id));
      for (const item of pending) {
        if (results.get(item.id)?.status === 424 && item.dependsOn !== undefined && ids.has(item.dependsOn))
          ids.add(item.id);
      }
      pending = pending.filter((item) => ids.has(item.id));
    }
    return results;
  }

  /**
   * One pass over `items`, in order: up to 20 per `$batch` (or one per request with batching
   * off). A dependency answered in an earlier request is resolved here: met, the item goes
   * without it; failed, the item is answered 424 without being sent.
   */
  private async sendItems(
    operation: string,
    items: readonly BatchItem[],
    earlier: ReadonlyMap<string, BatchResult>,
    cost: GraphCost | undefined,
  ): Promise<BatchResult[]> {
    const answered = new Map<string, BatchResult>();
    const chunkSize = this.batching ? MAX_BATCH_ITEMS : 1;
    for (let i = 0; i < items.length; i += chunkSize) {
      const chunk: BatchItem[] = [];
      for (const item of items.slice(i, i + chunkSize)) {
        const dep = item.dependsOn;
        if (dep === undefined || chunk.some((c) => c.id === dep)) {
          chunk.push(item);
          continue;
        }
        if (succeeded(answered.get(dep) ?? earlier.get(dep))) {
          const { dependsOn: _met, ...alone } = item;
          chunk.push(alone);
        } else {
          answered.set(item.id, failedDependency(item.id));
        }
      }
      if (chunk.length === 0) continue;
      if (cost) cost.roundTrips++;
      const results = this.batching
        ? await this.postBatch(operation, chunk)
        : [await this.sendAlone(operation, chunk[0]!)];
      for (const r of results) answered.set(r.id, r);
    }
    return [...answered.values()];
  }

  private async postBatch(operation: string, chunk: readonly BatchItem[]): Promise<BatchResult[]> {
    const response = await this.call(
      `${operation} ($batch)`,
      () =>
        this.client.api("/$batch").post({
          requests: chunk.map((item) => ({
            id: item.id,
            method: item.method,
            url: item.url,
            ...(item.dependsOn === undefined ? {} : { dependsOn: [item.dependsOn] }),
            ...(item.body === undefined && item.headers === undefined
              ? {}
              : {
                  ...(item.body === undefined ? {} : { body: item.body }),
                  headers: {
                    ...(item.headers ?? {}),
                    ...(item.body === undefined ? {} : { "Content-Type": "application/json" }),
                  },
                }),
          })),
        }) as Promise<{ responses?: BatchResult[] }>,
    );
    return (response.responses ?? []).map((r) => ({ ...r, headers: r.headers ?? {} }));
  }

  /** One item as a request of its own (batching off), answered in the shape of a batch item. */
  private async sendAlone(operation: string, item: BatchItem): Promise<BatchResult> {
    const request = this.client.api(item.url);
    if (item.headers) request.headers(item.headers);
    try {
      const body =
        item.method === "GET"
          ? await request.get()
          : item.method === "DELETE"
            ? await request.delete()
            : item.method === "PATCH"
              ? await request.patch(item.body ?? {})
              : await request.post(item.body ?? {});
      return { id: item.id, status: item.method === "DELETE" ? 204 : 200, headers: {}, body: body ?? null };
    } catch (err) {
      if (!isGraphError(err) || err.statusCode <= 0) throw directoryError(operation, err);
      const headers: Record<string, string> = {};
      err.headers?.forEach((value, name) => {
        headers[name] = value;
      });
      return {
        id: item.id,
        status: err.statusCode,
        headers,
        body: { error: { code: err.code ?? "unknown", message: err.message } },
      };
    }
  }

  static create(
    baseUrl: string,
    credential: TokenCredential,
    options: DirectoryGatewayOptions = {},
  ): DirectoryGateway {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const auth = new BearerTokenMiddleware(credential);
    const { Client, HTTPMessageHandler, RetryHandler, RetryHandlerOptions } = graphSdk();
    const retry = new RetryHandler(new RetryHandlerOptions(1, 3));
    const timeout = new RequestTimeoutMiddleware(timeoutMs);
    const http = new HTTPMessageHandler();
    auth.setNext(retry);
    retry.setNext(timeout);
    timeout.setNext(http);
    const client = Client.initWithMiddleware({
      middleware: auth,
      baseUrl: `${baseUrl}/`,
      defaultVersion: "v1.0",
    });
    return new DirectoryGateway(client, options);
  }

  private async call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw directoryError(operation, err);
    }
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
    const filter = `userPrincipalName eq '${escapeOData(username)}' or mail eq '${escapeOData(username)}'`;
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
      account: found.value.length === 1 ? toAccount(found.value[0]!) : undefined,
      tapPolicy: batchBody<TapPolicy>(results, "tap", "TAP policy read"),
    };
  }

  /** The account by object id (re-read before matching: names may have changed since discovery). */
  async getAccount(userId: string): Promise<DirectoryAccount | undefined> {
    try {
      return toAccount(
        (await this.client
          .api(`/users/${encodeURIComponent(userId)}`)
          .select(USER_SELECT)
          .get()) as GraphUser,
      );
    } catch (err) {
      if (isGraphError(err) && err.statusCode === 404) return undefined;
      throw directoryError("user read", err);
    }
  }

  /** The subset of `groupIds` the user is a transitive member of (checkMemberGroups, 20 per call). */
  async memberOf(userId: string, groupIds: readonly string[]): Promise<Set<string>> {
    const result = new Set<string>();
    for (let i = 0; i < groupIds.length; i += 20) {
      const chunk = groupIds.slice(i, i + 20);
      const response = await this.call(
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
    const user = encodeURIComponent(account.id);
    const items: BatchItem[] = [];
    const groupChunks: string[][] = [];
    for (let i = 0; i < groupIds.length; i += 20) groupChunks.push(groupIds.slice(i, i + 20));
    groupChunks.forEach((chunk, i) => {
      items.push({
        id: `groups${i}`,
        method: "POST",
        url: `/users/${user}/checkMemberGroups`,
        body: { groupIds: chunk },
      });
    });
    const query = candidateSearches(asCredential(account), DISCOVERY_SEARCHES);
    if (query.ok) items.push(...candidateItems(query.searches, []));
    const results = items.length > 0 ? await this.batch("discovery", items) : new Map<string, BatchResult>();
    const memberOf = new Set<string>();
    groupChunks.forEach((_, i) => {
      for (const id of batchBody<{ value: string[] }>(results, `groups${i}`, "group check").value) {
        memberOf.add(id);
      }
    });
    const candidates = query.ok
      ? candidatesFrom(results, query.searches.length, [])
      : { complete: false, accounts: [] };
    return { memberOf, candidates };
  }

  async listAuthenticationMethods(userId: string): Promise<AuthenticationMethod[]> {
    const response = await this.call(
      "method list",
      () =>
        this.client.api(`/users/${encodeURIComponent(userId)}/authentication/methods`).get() as Promise<{
          value: { "@odata.type": string; id: string; phoneType?: string }[];
        }>,
    );
    return response.value.map(toMethod);
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
      ...(wanted.attributes.length > 0 ? ["employeeId", "onPremisesExtensionAttributes"] : []),
      ...(wanted.contacts ? ["mail", "otherMails"] : []),
    ].join(",");
    const items: BatchItem[] = [{ id: "user", method: "GET", url: `/users/${user}?$select=${select}` }];
    if (wanted.manager)
      items.push({ id: "manager", method: "GET", url: `/users/${user}/manager?$select=id,mail` });
    if (wanted.recovery) {
      items.push({ id: "methods", method: "GET", url: `/users/${user}/authentication/methods` });
      items.push({ id: "tap", method: "GET", url: TAP_POLICY_PATH });
      wanted.recovery.tapPolicyGroups.forEach((_, i, all) => {
        if (i % 20 === 0)
          items.push({
            id: `groups${i / 20}`,
            method: "POST",
            url: `/users/${user}/checkMemberGroups`,
            body: { groupIds: all.slice(i, i + 20) },
          });
      });
    }
    const query = wanted.candidatesFor ? candidateSearches(wanted.candidatesFor, MATCH_SEARCHES) : undefined;
    if (query?.ok) items.push(...candidateItems(query.searches, wanted.attributes));
    const results = await this.batch("match read", items);
    if (results.get("user")?.status === 404) return { account: undefined, attributes: {} };
    const found = batchBody<
      GraphUser & {
        employeeId?: string | null;
        onPremisesExtensionAttributes?: Record<string, string | null> | null;
        mail?: string | null;
        otherMails?: string[] | null;
      }
    >(results, "user", "user read");
    const attributes: Record<string, string | null> = {};
    for (const name of wanted.attributes) {
      attributes[name] =
        name === "employeeId"
          ? (found.employeeId ?? null)
          : (found.onPremisesExtensionAttributes?.[name] ?? null);
    }
    const facts: MatchFacts = { account: toAccount(found), attributes };
    if (query)
      facts.candidates = query.ok
        ? candidatesFrom(results, query.searches.length, wanted.attributes)
        : { complete: false, accounts: [] };
    if (wanted.contacts) {
      facts.contacts = {
        userPrincipalName: found.userPrincipalName,
        mail: found.mail ?? null,
        otherMails: found.otherMails ?? [],
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
      const memberOf = new Set<string>();
      for (let i = 0; i * 20 < wanted.recovery.tapPolicyGroups.length; i++) {
        for (const id of batchBody<{ value: string[] }>(results, `groups${i}`, "group check").value)
          memberOf.add(id);
      }
      facts.memberOf = memberOf;
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
        const answer = answers.get(`d${i}`)!;
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
    return items.map((item) => answers.get(item.id)!);
  }

  /** Where a user can be told of a recovery: the other (non-work) addresses, and the work mail. */
  async getMailContacts(
    userId: string,
  ): Promise<{ userPrincipalName: string; mail: string | null; otherMails: string[] }> {
    const user = await this.call(
      "user contact read",
      () =>
        this.client
          .api(`/users/${encodeURIComponent(userId)}`)
          .select("id,userPrincipalName,mail,otherMails")
          .get() as Promise<{
          userPrincipalName: string;
          mail?: string | null;
          otherMails?: string[] | null;
        }>,
    );
    return {
      userPrincipalName: user.userPrincipalName,
      mail: user.mail ?? null,
      otherMails: user.otherMails ?? [],
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
      if (isGraphError(err) && err.statusCode === 404) return undefined;
      throw directoryError("manager read", err);
    }
  }

  /** Sends a plain-text message from `mailbox` (Graph sendMail: 202, nothing saved to Sent Items). */
  async sendMail(mailbox: string, message: MailMessage): Promise<void> {
    await this.call("sendMail", () =>
      this.client.api(`/users/${encodeURIComponent(mailbox)}/sendMail`).post(sendMailBody(message)),
    );
  }

  async revokeSignInSessions(userId: string): Promise<void> {
    await this.call("session revocation", () =>
      this.client.api(`/users/${encodeURIComponent(userId)}/revokeSignInSessions`).post({}),
    );
  }

  async getTapPolicy(): Promise<TapPolicy> {
    return this.call("TAP policy read", () => this.client.api(TAP_POLICY_PATH).get() as Promise<TapPolicy>);
  }

  async createTemporaryAccessPass(
    userId: string,
    request: { lifetimeInMinutes: number; isUsableOnce: boolean },
  ): Promise<CreatedTap> {
    const created = await this.call(
      "TAP creation",
      () =>
        this.client
          .api(`/users/${encodeURIComponent(userId)}/authentication/temporaryAccessPassMethods`)
          .post(request) as Promise<CreatedTap & { createdDateTime?: string }>,
    );
    return toCreatedTap(created);
  }
}
