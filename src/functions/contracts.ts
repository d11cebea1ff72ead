/**
 * What crosses the orchestration boundary. Only ids, decisions, deadlines, record versions
 * (etags), the recovery step's plan (method ids and types, the TAP's settings) and a passing
 * credential check's score and issuer: no names, no claims, no addresses, no TAP — orchestration
 * history is stored in plain text by the task hub.
 *
 * `etag`: the version of the recovery record a step left (open), handed to the next step so it
 * need not read the record again when its process holds that version; the step writes with
 * it, so a change since (a cancel) fails the write and is read and decided again.
 */
import type { IdvDecision } from "../idv/adapter";
import type { FailureCode, RecoveryStatus } from "../recovery/status";

export interface RecoveryInput {
  recoveryId: string;
  /**
   * The version the start wrote (the workflow's input: discovery uses it when its instance holds
   * it); for the notices, the closed version the finish wrote.
   */
  etag?: string | undefined;
}

export type DiscoveryResult =
  | { eligible: false }
  | {
      eligible: true;
      mode: "evaluation" | "production";
      idvTimeoutMinutes: number;
      presentationTimeoutMinutes: number;
      /**
       * A helpdesk verification: the flow stops at the verdict (`verified`), as Evaluation does;
       * with `offerRecovery` (a Production profile that allows it) the caller may go on to recover,
       * choosing within `recoveryOfferMinutes` (workflow minutes).
       */
      verification?: { offerRecovery: boolean; recoveryOfferMinutes: number };
      etag?: string;
    };

export interface StartIdvInput {
  recoveryId: string;
  sessionId: string;
  deadline: string;
  /** The version discovery left (used by a first run only: a re-run reads the record). */
  etag?: string | undefined;
}

export interface IdvResultEvent {
  decision: IdvDecision;
}

/** A valid one-time return was consumed for this session (src/functions/idvReturn.ts). */
export interface IdvReturnedEvent {
  sessionId: string;
}

export interface RequestPresentationInput {
  recoveryId: string;
  deadline: string;
  /**
   * The version the IDV start left. Only the record's own writers change it meanwhile (a renewal
   * of the hand-off, a cancel): the webhook and the return write the session and audit rows.
   * The step decides from it first and writes with its etag; what that version cannot settle is
   * decided again from the record as stored.
   */
  etag?: string | undefined;
}

/** What the IDV start hands on: the version it left (none after a re-run that changed nothing). */
export interface StartIdvResult {
  etag?: string;
}

export type RequestPresentationResult =
  | { ok: true; state: string; etag?: string }
  | { ok: false; code: FailureCode };

export interface PresentationResultEvent {
  state: string;
  requestStatus: "presentation_verified" | "presentation_error";
}

export interface PresentationStepInput {
  recoveryId: string;
  state: string;
  etag?: string | undefined;
}

export type StepVerdict = ({ ok: true } | { ok: false; code: FailureCode }) & { etag?: string };

/**
 * What a passing credential check found, for its audit entry (`credential_checked`, the same
 * entry a failing check writes itself): a passing check writes nothing, the match records it in
 * its own write, or the finish when the match never returned (store/audit's `onceKey` keeps it
 * once). The Face Check score and the issuer's DID: no claims, never the portrait.
 */
export interface CredentialCheck {
  /** When the check passed (the entry's time: before the match's entries). */
  at: string;
  faceCheckScore: number | null;
  issuer: string | null;
  selfValidated: boolean;
}

/** The check's verdict: the version it read (passing: it wrote none) or wrote (failing). */
export type CheckVerdict = ({ ok: true; checked: CredentialCheck } | { ok: false; code: FailureCode }) & {
  etag?: string;
};

export interface MatchInput extends PresentationStepInput {
  /** The passing check's finding (absent in a workflow whose check wrote its own entry, before this version). */
  checked?: CredentialCheck | undefined;
}

/**
 * Production: what the recovery step is to write, decided from what the match read in its round
 * trip (the methods to delete, the TAP to ask for or why none can be had), so the step can write
 * at once. Absent when the match could not decide it (the TAP policy names groups discovery did
 * not know): the step then reads for itself.
 */
export interface RecoveryPlan {
  methods: { odataType: string; id: string; phoneType?: string }[];
  /** Methods the reset cannot delete (password, types without a v1.0 collection, unknown types): named in the audit. */
  kept: { odataType: string; id: string }[];
  tap:
    | { covered: true; lifetimeInMinutes: number; isUsableOnce: boolean }
    | { covered: false; reason: string };
}

export type MatchVerdict = ({ ok: true; plan?: RecoveryPlan } | { ok: false; code: FailureCode }) & {
  etag?: string;
};

export interface RecoverAccountInput {
  recoveryId: string;
  /** The match's plan; used by the step's first run only (a re-run reads afresh). */
  plan?: RecoveryPlan | undefined;
}

export interface OfferRecoveryInput {
  recoveryId: string;
  etag?: string | undefined;
  deadline: string;
}

export interface FinishInput {
  recoveryId: string;
  etag?: string | undefined;
  status: RecoveryStatus;
  failureCode?: FailureCode;
  detail?: string;
  /** A passing check's finding the match may not have recorded (the match threw): recorded with the close. */
  checked?: CredentialCheck | undefined;
}

export interface RecoveryOutcome {
  status: RecoveryStatus;
  failureCode?: FailureCode;
}
