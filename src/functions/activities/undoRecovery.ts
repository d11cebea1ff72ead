/**
 * Undoing a recovery's directory writes: what a confirmed "this wasn't me" does
 * (functions/repudiationSteps), and what the recovery step does when a repudiation blocked the
 * account while its own writes ran (./recovery.ts).
 */
import type { MethodDeletion } from "../../directory/graph";
import { DependencyError } from "../../recovery/errors";
import { methodsToRemove } from "../../recovery/repudiation";
import { services } from "../../services";
import { DELETABLE } from "./recoveryPlan";

/**
 * Deletes every TAP and every method registered since `since`, and revokes the sign-in
 * sessions, in one serial `$batch` (the recovery's own write path, docs/facts.md §8 order).
 * A deletion refused is tried again on a fresh list (twice more): Graph refuses the default
 * MFA phone while other methods exist, which a concurrent confirmation deleting the same
 * methods can make true for a moment. Throws (503, the caller may try again) unless every
 * deletion and the revocation went through.
 */
export async function undoRecoveryWrites(
  userId: string,
  since: string,
): Promise<{ removed: { odataType: string; id: string }[]; kept: { odataType: string; id: string }[] }> {
  const s = services();
  const removed = new Map<string, { odataType: string; id: string }>();
  let failures: string[] = [];
  for (let round = 1; round <= 3; round++) {
    const methods = await s.directory.listMethodsWithCreation(userId);
    const doomed = methodsToRemove(methods, since, DELETABLE);
    const written = await s.directory.applyRecovery(userId, { deletions: doomed, revoke: true });
    const refused: MethodDeletion[] = written.deletions.filter(
      (d) => d.outcome !== "deleted" && d.outcome !== "already_gone",
    );
    for (const d of written.deletions)
      if (d.outcome === "deleted" || d.outcome === "already_gone")
        removed.set(d.method.id, { odataType: d.method.odataType, id: d.method.id });
    failures = [
      ...refused.map((d) => `method deletion ${d.status}`),
      ...(written.revoke ? [`session revocation ${written.revoke.status}`] : []),
    ];
    if (failures.length === 0) {
      return {
        removed: [...removed.values()],
        kept: methods.filter((m) => !removed.has(m.id)).map((m) => ({ odataType: m.odataType, id: m.id })),
      };
    }
  }
  throw new DependencyError(
    "directory_error",
    `the directory refused the repudiation's writes (${failures.join(", ")})`,
    true,
  );
}
