/**
 * The error vocabulary and the OpenAPI document agree: every problem code an operation lists
 * under a status is one its error class answers with that status (the type system already
 * refuses a code outside the union; this catches a real code listed under the wrong status).
 */
import { describe, expect, it } from "vitest";
import { OPERATIONS } from "../../src/openapi/document";
import {
  AdminApiNotConfiguredError,
  CONFLICT_CODES,
  ConfigurationError,
  ConflictError,
  DEPENDENCY_CODES,
  DependencyError,
  ForbiddenError,
  INVALID_REQUEST_CODES,
  InternalError,
  InvalidRequestError,
  isProblemCode,
  MethodNotAllowedError,
  NOT_FOUND_CODES,
  NotFoundError,
  PayloadTooLargeError,
  PROBLEM_CODES,
  PreconditionFailedError,
  PreconditionRequiredError,
  type ProblemError,
  TooManyRequestsError,
  UNAUTHORIZED_CODES,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from "../../src/recovery/errors";

/** One instance of every problem-coded error: what each code is actually answered with. */
function everyProblemError(): ProblemError[] {
  return [
    ...INVALID_REQUEST_CODES.map((c) => new InvalidRequestError(c, "d")),
    ...UNAUTHORIZED_CODES.map((c) => new UnauthorizedError(c, "d")),
    ...NOT_FOUND_CODES.map((c) => new NotFoundError(c, "d")),
    ...CONFLICT_CODES.map((c) => new ConflictError(c, "d")),
    ...DEPENDENCY_CODES.flatMap((c) => [
      new DependencyError(c, "m", true),
      new DependencyError(c, "m", false),
    ]),
    new PayloadTooLargeError(1),
    new UnsupportedMediaTypeError("application/json"),
    new ForbiddenError("d"),
    new MethodNotAllowedError(["GET"]),
    new PreconditionFailedError("d"),
    new PreconditionRequiredError("d"),
    new TooManyRequestsError(1),
    new AdminApiNotConfiguredError(),
    new ConfigurationError("X", "y"),
    new InternalError(undefined),
  ];
}

describe("the problem codes", () => {
  it("are each answered by one error class, and every class answers a problem code", () => {
    const answered = new Set(everyProblemError().map((e) => e.code));
    expect([...answered].sort()).toEqual([...PROBLEM_CODES].sort());
    expect(new Set(PROBLEM_CODES).size).toBe(PROBLEM_CODES.length);
  });

  it("listed by the OpenAPI document under a status are answered with that status", () => {
    const statusesOf = new Map<string, Set<string>>();
    for (const e of everyProblemError()) {
      const set = statusesOf.get(e.code) ?? new Set<string>();
      set.add(String(e.status));
      statusesOf.set(e.code, set);
    }
    const misplaced: string[] = [];
    let listed = 0;
    for (const op of OPERATIONS) {
      for (const [status, answer] of Object.entries(op.responses)) {
        for (const a of Array.isArray(answer) ? answer : [answer]) {
          if (!("codes" in a)) continue;
          for (const code of a.codes) {
            listed++;
            if (!statusesOf.get(code)?.has(status)) misplaced.push(`${op.operationId} ${status} ${code}`);
          }
        }
      }
    }
    expect(listed).toBeGreaterThan(50);
    expect(misplaced).toEqual([]);
  });

  it("do not include the codes that never answer HTTP as themselves", () => {
    for (const code of [
      "tap_binding_mismatch",
      "recovery_closed",
      "signature_invalid",
      "credential_invalid",
    ]) {
      expect(isProblemCode(code)).toBe(false);
    }
  });
});
