/**
 * Injected faults: the next N requests matching a method and path answer 429 (with
 * Retry-After, fractional allowed, as Graph sends) or an arbitrary error status. Rules apply
 * to $batch items as well, which is where production throttling usually bites.
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

  clear(): void {
    this.rules = [];
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
