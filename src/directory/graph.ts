/**
 * The directory gateway: every Microsoft Graph call the service makes, through the real
 * `@microsoft/microsoft-graph-client`. The middleware chain is explicit (bearer token →
 * retry honouring Retry-After → per-attempt timeout → fetch) because the SDK's own auth
 * handler attaches tokens only to https Graph hosts, and the local simulator speaks http
 * (FACTS §4). The SDK sets no timeout of its own: without ours a Graph call that never
 * answers would hold its activity (and the recovery) forever.
 */
import type { TokenCredential } from "@azure/identity";
import {
  Client,
  type Context,
  GraphError,
  HTTPMessageHandler,
  type Middleware,
  RetryHandler,
  RetryHandlerOptions,
} from "@microsoft/microsoft-graph-client";
import type { DirectoryAccount } from "../recovery/eligibility";
import { DependencyError } from "../recovery/errors";

const GRAPH_SCOPE = "https://graph.microsoft.com/.default";
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
  outcome: "deleted" | "already_gone" | "refused";
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

/** `@odata.type` → the collection its DELETE goes to (FACTS §8). The password is not here: it cannot be deleted. */
export const METHOD_COLLECTIONS: Readonly<Record<string, string>> = {
  "#microsoft.graph.fido2AuthenticationMethod": "fido2Methods",
  "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod": "microsoftAuthenticatorMethods",
  "#microsoft.graph.phoneAuthenticationMethod": "phoneMethods",
  "#microsoft.graph.softwareOathAuthenticationMethod": "softwareOathMethods",
  "#microsoft.graph.emailAuthenticationMethod": "emailMethods",
  "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod": "windowsHelloForBusinessMethods",
  "#microsoft.graph.temporaryAccessPassAuthenticationMethod": "temporaryAccessPassMethods",
  "#microsoft.graph.platformCredentialAuthenticationMethod": "platformCredentialMethods",
};

/** Given name and surname compared as people read them: one Unicode form, case and outer spaces ignored. */
export function normalizedName(given: string, family: string): string {
  const norm = (v: string) => v.normalize("NFC").trim().replace(/\s+/gu, " ").toLowerCase();
  return `${norm(given)}\u0000${norm(family)}`;
}

/** The distinct Unicode normal forms (NFC, NFD) of a name pair, for exact-match directory queries. */
function nameForms(given: string, family: string): [string, string][] {
  const forms = new Map<string, [string, string]>();
  for (const form of ["NFC", "NFD"] as const) {
    const pair: [string, string] = [given.normalize(form), family.normalize(form)];
    forms.set(pair.join("\u0000"), pair);
  }
  return [...forms.values()];
}

function escapeOData(value: string): string {
  return value.replace(/'/g, "''");
}

function isTransient(status: number | undefined): boolean {
  return status === undefined || status === 429 || status >= 500 || status === 408;
}

function directoryError(operation: string, err: unknown): DependencyError {
  const status = err instanceof GraphError ? err.statusCode : undefined;
  const code = err instanceof GraphError ? err.code : undefined;
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

/** One item of a JSON `$batch` (FACTS §13): `url` is relative to the version root, e.g. `/users/{id}`. */
export interface BatchItem {
  id: string;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  url: string;
  body?: unknown;
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

export class DirectoryGateway {
  constructor(
    private readonly client: Client,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /**
   * Sends items as JSON `$batch` requests (20 per round trip) and returns every item's final
   * answer by id. Items answered 429/503/504 are sent again, alone, after the longest
   * `Retry-After` among them (the outer request's own throttling is the RetryHandler's job);
   * after the last attempt their answer is returned as it is, for the caller to judge.
   * Callers must not put dependent writes in one call without `dependsOn` semantics: each
   * item is independent here.
   */
  async batch(operation: string, items: readonly BatchItem[]): Promise<Map<string, BatchResult>> {
    const results = new Map<string, BatchResult>();
    let pending = [...items];
    for (let attempt = 1; pending.length > 0; attempt++) {
      const answered: BatchResult[] = [];
      for (let i = 0; i < pending.length; i += MAX_BATCH_ITEMS) {
        const chunk = pending.slice(i, i + MAX_BATCH_ITEMS);
        const response = await this.call(
          `${operation} ($batch)`,
          () =>
            this.client.api("/$batch").post({
              requests: chunk.map((item) => ({
                id: item.id,
                method: item.method,
                url: item.url,
                ...(item.body === undefined
                  ? {}
                  : { body: item.body, headers: { "Content-Type": "application/json" } }),
              })),
            }) as Promise<{ responses?: BatchResult[] }>,
        );
        for (const r of response.responses ?? []) answered.push({ ...r, headers: r.headers ?? {} });
      }
      for (const r of answered) results.set(r.id, r);
      const missing = pending.filter((item) => !results.has(item.id));
      if (missing.length > 0)
        throw new DependencyError("directory_error", `Graph ${operation}: $batch answer lacks items`, true);
      const again = answered.filter(retryable);
      if (again.length === 0 || attempt >= BATCH_ATTEMPTS) break;
      await this.sleep(Math.max(...again.map(retryAfterSeconds)) * 1000);
      const ids = new Set(again.map((r) => r.id));
      pending = pending.filter((item) => ids.has(item.id));
    }
    return results;
  }

  static create(baseUrl: string, credential: TokenCredential, timeoutMs = 30_000): DirectoryGateway {
    const auth = new BearerTokenMiddleware(credential);
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
    return new DirectoryGateway(client);
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
      if (err instanceof GraphError && err.statusCode === 404) return undefined;
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
   * other enabled accounts with the same given name and surname. Graph compares names
   * case-insensitively but not across Unicode normal forms, so each distinct form is asked
   * for, and the answers are compared normalized.
   */
  async discoveryFacts(
    account: DirectoryAccount,
    groupIds: readonly string[],
  ): Promise<{ memberOf: Set<string>; namesakes: string[] }> {
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
    const given = account.givenName?.trim();
    const family = account.surname?.trim();
    const forms = given && family ? nameForms(given, family) : [];
    forms.forEach(([g, f], i) => {
      const filter = `givenName eq '${escapeOData(g)}' and surname eq '${escapeOData(f)}'`;
      items.push({
        id: `names${i}`,
        method: "GET",
        url: `/users?$filter=${encodeURIComponent(filter)}&$select=id,accountEnabled,givenName,surname&$top=50`,
      });
    });
    const results = items.length > 0 ? await this.batch("discovery", items) : new Map<string, BatchResult>();
    const memberOf = new Set<string>();
    groupChunks.forEach((_, i) => {
      for (const id of batchBody<{ value: string[] }>(results, `groups${i}`, "group check").value) {
        memberOf.add(id);
      }
    });
    const namesakes = new Set<string>();
    const wanted = given && family ? normalizedName(given, family) : undefined;
    forms.forEach((_, i) => {
      for (const u of batchBody<{ value: GraphUser[] }>(results, `names${i}`, "namesake lookup").value) {
        if (u.id === account.id || u.accountEnabled !== true) continue;
        if (normalizedName(u.givenName ?? "", u.surname ?? "") === wanted) namesakes.add(u.id);
      }
    });
    return { memberOf, namesakes: [...namesakes] };
  }

  async listAuthenticationMethods(userId: string): Promise<AuthenticationMethod[]> {
    const response = await this.call(
      "method list",
      () =>
        this.client.api(`/users/${encodeURIComponent(userId)}/authentication/methods`).get() as Promise<{
          value: { "@odata.type": string; id: string; phoneType?: string }[];
        }>,
    );
    return response.value.map((m) => ({
      odataType: m["@odata.type"],
      id: m.id,
      ...(m.phoneType ? { phoneType: m.phoneType } : {}),
    }));
  }

  /**
   * Deletes methods round by round (each round one `$batch`, items independent), and says
   * what became of each. A method already gone (404) counts as deleted, so a re-run after
   * partial success goes through. Graph refuses the default MFA method (400) while other
   * methods remain: such refusals are tried once more after every round has run.
   */
  async deleteAuthenticationMethods(
    userId: string,
    rounds: readonly (readonly AuthenticationMethod[])[],
  ): Promise<MethodDeletion[]> {
    const outcomes = new Map<string, MethodDeletion>();
    const runRound = async (round: readonly AuthenticationMethod[]) => {
      const items = round.map((method, i): BatchItem => {
        const collection = METHOD_COLLECTIONS[method.odataType];
        if (!collection) throw new TypeError(`not a deletable method type: ${method.odataType}`);
        return {
          id: String(i + 1),
          method: "DELETE",
          url: `/users/${encodeURIComponent(userId)}/authentication/${collection}/${encodeURIComponent(method.id)}`,
        };
      });
      const answers = await this.batch("method reset", items);
      round.forEach((method, i) => {
        const answer = answers.get(String(i + 1))!;
        const outcome: MethodDeletion["outcome"] =
          answer.status === 204 || answer.status === 200
            ? "deleted"
            : answer.status === 404
              ? "already_gone"
              : "refused";
        outcomes.set(method.id, {
          method,
          outcome,
          status: answer.status,
          ...(outcome === "refused" ? { code: batchErrorCode(answer) ?? "unknown" } : {}),
        });
      });
    };
    for (const round of rounds) if (round.length > 0) await runRound(round);
    const refusedByOrder = [...outcomes.values()]
      .filter((o) => o.outcome === "refused" && o.status === 400)
      .map((o) => o.method);
    if (refusedByOrder.length > 0) await runRound(refusedByOrder);
    return [...outcomes.values()];
  }

  /**
   * Directory attributes used to tell namesakes apart: `employeeId` and
   * `extensionAttribute1`…`15` (onPremisesExtensionAttributes). Absent values are null.
   */
  async getBindingAttributes(
    userId: string,
    attributes: readonly string[],
  ): Promise<Record<string, string | null>> {
    const user = await this.call(
      "attribute read",
      () =>
        this.client
          .api(`/users/${encodeURIComponent(userId)}`)
          .select("id,employeeId,onPremisesExtensionAttributes")
          .get() as Promise<{
          employeeId?: string | null;
          onPremisesExtensionAttributes?: Record<string, string | null> | null;
        }>,
    );
    const out: Record<string, string | null> = {};
    for (const name of attributes) {
      out[name] =
        name === "employeeId"
          ? (user.employeeId ?? null)
          : (user.onPremisesExtensionAttributes?.[name] ?? null);
    }
    return out;
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
      if (err instanceof GraphError && err.statusCode === 404) return undefined;
      throw directoryError("manager read", err);
    }
  }

  /** Sends a plain-text message from `mailbox` (Graph sendMail: 202, nothing saved to Sent Items). */
  async sendMail(
    mailbox: string,
    message: { subject: string; text: string; to: readonly string[]; cc?: readonly string[] },
  ): Promise<void> {
    const recipients = (list: readonly string[]) => list.map((address) => ({ emailAddress: { address } }));
    await this.call("sendMail", () =>
      this.client.api(`/users/${encodeURIComponent(mailbox)}/sendMail`).post({
        message: {
          subject: message.subject,
          body: { contentType: "Text", content: message.text },
          toRecipients: recipients(message.to),
          ...(message.cc?.length ? { ccRecipients: recipients(message.cc) } : {}),
        },
        saveToSentItems: false,
      }),
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
    return {
      temporaryAccessPass: created.temporaryAccessPass,
      startDateTime: created.startDateTime ?? created.createdDateTime ?? new Date().toISOString(),
      lifetimeInMinutes: created.lifetimeInMinutes,
      isUsableOnce: created.isUsableOnce,
    };
  }
}
