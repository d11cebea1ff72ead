/**
 * Repudiation ("this wasn't me"), the pure part: whether a presented link may act, and which
 * authentication methods undo a recovery. The stored side is store/repudiations; the step that
 * acts is functions/repudiation.
 *
 * Only a recovery that ended `recovered` in Production has links (the notice step makes them
 * only for it): a link can undo what a recovery did, never lock out someone who did not recover.
 */
import { type MethodRef, orderForDeletion } from "./methodOrder";

export interface LinkFacts {
  link: { recoveryId: string; userId: string; expiresAt: string } | undefined;
  recovery:
    | {
        recoveryId: string;
        status: string;
        stage: string;
        userId?: string | undefined;
        repudiatedAt?: string | undefined;
      }
    | undefined;
}

/**
 * `invalid` covers every link that must do nothing: unknown (forged, mistyped), expired, bound
 * to another recovery or account than the record says, of a recovery that did not end
 * recovered. The page answers all of them alike, so it tells a stranger nothing.
 */
export type LinkDecision =
  | { kind: "invalid"; reason: "unknown" | "expired" | "mismatch" | "not_recovered" }
  | { kind: "open"; recoveryId: string; userId: string }
  | { kind: "done"; recoveryId: string; userId: string; repudiatedAt: string };

export function judgeLink(facts: LinkFacts, now: Date): LinkDecision {
  const { link, recovery } = facts;
  if (!link) return { kind: "invalid", reason: "unknown" };
  if (!(Date.parse(link.expiresAt) > now.getTime())) return { kind: "invalid", reason: "expired" };
  if (!recovery || recovery.recoveryId !== link.recoveryId || recovery.userId !== link.userId)
    return { kind: "invalid", reason: "mismatch" };
  if (recovery.stage !== "discovered") return { kind: "invalid", reason: "not_recovered" };
  if (recovery.repudiatedAt)
    return {
      kind: "done",
      recoveryId: link.recoveryId,
      userId: link.userId,
      repudiatedAt: recovery.repudiatedAt,
    };
  if (recovery.status !== "recovered") return { kind: "invalid", reason: "not_recovered" };
  return { kind: "open", recoveryId: link.recoveryId, userId: link.userId };
}

export const TEMPORARY_ACCESS_PASS = "#microsoft.graph.temporaryAccessPassAuthenticationMethod";

export interface ListedMethod extends MethodRef {
  /** Graph's creation time; null for the types that have none (phone, email, software OATH). */
  createdDateTime: string | null;
}

/**
 * The methods a repudiation deletes, in deletion order: every Temporary Access Pass, and every
 * deletable method registered since the recovery started. A method without a creation time
 * counts as registered since: the recovery deleted every deletable method, so one present now
 * was added after it (or survived a refused deletion, which a `recovered` recovery cannot have
 * had). Erring that way removes at worst a method the person who holds the account re-adds
 * with the help desk; erring the other way would leave the intruder a way in. The password and
 * the types Graph v1.0 cannot delete stay, and are named in the audit.
 */
export function methodsToRemove<T extends ListedMethod>(
  methods: readonly T[],
  recoveryStartedAt: string,
  deletableTypes: ReadonlySet<string>,
): T[] {
  const since = Date.parse(recoveryStartedAt);
  const added = methods.filter(
    (m) =>
      m.odataType === TEMPORARY_ACCESS_PASS ||
      m.createdDateTime === null ||
      !(Date.parse(m.createdDateTime) < since),
  );
  return orderForDeletion(added, deletableTypes);
}
