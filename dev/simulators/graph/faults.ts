/**
 * Injected faults: the next N requests matching a method and path answer 429 (with
 * Retry-After, fractional allowed, as Graph sends) or an arbitrary error status. Rules apply
 * to $batch items as well, which is where production throttling usually bites. Network
 * faults act on a whole HTTP request (a $batch is one): a slow answer, or a connection
 * dropped before or after the request was carried out.
 */
import { GraphFailure } from "./errors";

export interface PathMatcher {
  /** Upper-case HTTP method; omitted: any method. */
  method?: string;
  /**
   * Matched against the path below the version, URI-decoded, without query string
   * (e.g. "/users/adele.vance@contoso.example/revokeSignInSessions"). A string matches when
   * the path contains it.
   */
  path: RegExp | string;
}

export interface ThrottleRule extends PathMatcher {
  times: number;
  retryAfterSeconds: number;
}

export interface FailureRule extends PathMatcher {
  times: number;
  status: number;
  code: string;
  message?: string;
  retryAfterSeconds?: number;
  /**
   * Carry the request out first, then answer with the failure: the write happened but its
   * answer was lost (a dropped connection, a gateway timeout). Only successful requests are
   * hit. This is how tests prove a step safe to repeat after partial success.
   */
  afterWrite?: boolean;
}

export interface NetworkFaultRule extends PathMatcher {
  times: number;
  /** `slow`: answer only after `delayMs`; `drop`: destroy the connection without an answer. */
  kind: "slow" | "drop";
  delayMs?: number;
  /**
   * `drop` only: carry the request out first, then drop the connection (the write happened,
   * its answer was lost). A slow request is always carried out, after its delay.
   */
  afterWrite?: boolean;
}

interface ActiveNetworkRule {
  readonly rule: NetworkFaultRule;
  remaining: number;
}

interface ActiveRule {
  readonly matcher: PathMatcher;
  readonly afterWrite?: boolean;
  remaining: number;
  readonly failure: () => GraphFailure;
}

export class Faults {
  private rules: ActiveRule[] = [];

  throttle(rule: ThrottleRule): void {
    checkCommon(rule, "throttle");
    if (!(rule.retryAfterSeconds >= 0))
      throw new TypeError("throttle: retryAfterSeconds must be a number ≥ 0");
    this.rules.push({
      matcher: rule,
      remaining: rule.times,
      failure: () =>
        new GraphFailure(
          429,
          "TooManyRequests",
          "Too many requests. Please retry after the time given in Retry-After.",
          {
            "Retry-After": String(rule.retryAfterSeconds),
          },
        ),
    });
  }

  failNext(rule: FailureRule): void {
    checkCommon(rule, "failNext");
    if (!Number.isInteger(rule.status) || rule.status < 400 || rule.status > 599) {
      throw new TypeError("failNext: status must be an HTTP error status (400–599)");
    }
    if (typeof rule.code !== "string" || rule.code === "") throw new TypeError("failNext: code is required");
    const headers: Record<string, string> =
      rule.retryAfterSeconds === undefined ? {} : { "Retry-After": String(rule.retryAfterSeconds) };
    this.rules.push({
      matcher: rule,
      afterWrite: rule.afterWrite === true,
      remaining: rule.times,
      failure: () =>
        new GraphFailure(
          rule.status,
          rule.code,
          rule.message ?? `Simulated failure (${rule.code}).`,
          headers,
        ),
    });
  }

  /**
   * Consumes one use of the first matching rule and returns its failure, if any: `before`
   * rules stop the request, `after` rules (afterWrite) replace a successful answer.
   */
  take(method: string, path: string, when: "before" | "after" = "before"): GraphFailure | undefined {
    const rule = this.rules.find(
      (r) => (r.afterWrite === true) === (when === "after") && matches(r.matcher, method, path),
    );
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule.failure();
  }

  network(rule: NetworkFaultRule): void {
    checkCommon(rule, "network");
    if (rule.kind !== "slow" && rule.kind !== "drop")
      throw new TypeError('network: kind must be "slow" or "drop"');
    if (rule.kind === "slow" && !(Number.isFinite(rule.delayMs) && (rule.delayMs ?? -1) >= 0)) {
      throw new TypeError("network: a slow rule needs delayMs ≥ 0");
    }
    this.networkRules.push({ rule: { ...rule }, remaining: rule.times });
  }

  /** Consumes one use of the first network rule matching a top-level request. */
  takeNetwork(method: string, path: string): NetworkFaultRule | undefined {
    const active = this.networkRules.find((r) => matches(r.rule, method, path));
    if (!active) return undefined;
    active.remaining--;
    if (active.remaining <= 0) this.networkRules = this.networkRules.filter((r) => r !== active);
    return active.rule;
  }

  private networkRules: ActiveNetworkRule[] = [];

  clear(): void {
    this.rules = [];
    this.networkRules = [];
  }
}

function matches(m: PathMatcher, method: string, path: string): boolean {
  if (m.method !== undefined && m.method.toUpperCase() !== method) return false;
  if (typeof m.path === "string") return path.includes(m.path);
  m.path.lastIndex = 0; // a /g or /y RegExp would otherwise remember the last match position
  return m.path.test(path);
}

function checkCommon(rule: PathMatcher & { times: number }, what: string): void {
  if (!Number.isInteger(rule.times) || rule.times < 1)
    throw new TypeError(`${what}: times must be an integer ≥ 1`);
  if (typeof rule.path !== "string" && !(rule.path instanceof RegExp)) {
    throw new TypeError(`${what}: path must be a string or RegExp`);
  }
}
