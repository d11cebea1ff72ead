/**
 * Shared by the activities: the recovery record a step acts on, and the profile it was
 * discovered under. A closed (cancelled) recovery is refused before anything changes.
 */
import type { PolicyProfile } from "../../recovery/policy";
import { isTerminal } from "../../recovery/status";
import { services } from "../../services";
import type { RecoveryRecord } from "../../store/recoveries";

/** The record as read, with its etag: pass it to `update`/`advance` to spare a second read. */
export type LoadedRecord = RecoveryRecord & { etag: string };

export async function loadRecord(recoveryId: string): Promise<LoadedRecord> {
  const record = await services().recoveries.get(recoveryId);
  if (!record) throw new Error(`recovery ${recoveryId} not found`);
  return record;
}

/** The profile discovery selected, as it was then (a later policy edit does not change a running recovery). */
export function profileOf(record: RecoveryRecord): PolicyProfile {
  if (!record.profile) throw new Error(`recovery ${record.recoveryId} has no profile`);
  return record.profile;
}

/** A cancelled recovery stops at the next activity: it must not change anything. */
export class RecoveryClosedError extends Error {
  constructor(recoveryId: string) {
    super(`recovery ${recoveryId} is already closed`);
    this.name = "RecoveryClosedError";
  }
}

export async function openRecord(recoveryId: string): Promise<LoadedRecord> {
  const record = await loadRecord(recoveryId);
  if (isTerminal(record.status)) throw new RecoveryClosedError(recoveryId);
  return record;
}
