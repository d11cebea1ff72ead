/** Admin API refusals beyond the shared ones of `recovery/errors` (optimistic concurrency, methods). */
import { RecoveryError } from "../recovery/errors";

/** 412: the If-Match etag is not the item's current version (someone changed it meanwhile). */
export class PreconditionFailedError extends RecoveryError {
  constructor(detail: string) {
    super("precondition_failed", 412, "Precondition failed", true, { detail });
  }
}

/** 428: a change to an existing item must say which version it replaces (If-Match). */
export class PreconditionRequiredError extends RecoveryError {
  constructor(detail: string) {
    super("precondition_required", 428, "Precondition required", true, { detail });
  }
}

/** 405: the route exists, the method does not apply to this item. */
export class MethodNotAllowedError extends RecoveryError {
  constructor(allow: string[]) {
    super("method_not_allowed", 405, "Method not allowed", true, {
      detail: `Allowed: ${allow.join(", ")}.`,
      headers: { Allow: allow.join(", ") },
    });
  }
}
