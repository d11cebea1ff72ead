/**
 * Parsing of Request Service callbacks (exact field names: docs/facts.md §6). Lenient on fields we do
 * not use, strict on the ones we decide with. The normalized outcome keeps no photo claims:
 * it is stored in Table Storage and must stay small and free of biometric data.
 */
import { z } from "zod";
import type { PresentedCredential, SelfValidation } from "../recovery/credential";
import { isStorageSafeId } from "../recovery/keys";

/** `state` and `requestId` are storage keys and compared with ours: checked before any storage call. */
const callbackId = z.string().refine(isStorageSafeId, "must be 1–200 of A–Z a–z 0–9 . _ : @ = + -");

export const callbackSchema = z.object({
  requestId: callbackId,
  requestStatus: z.enum(["request_retrieved", "presentation_verified", "presentation_error"]),
  state: callbackId,
  subject: z.string().optional(),
  verifiedCredentialsData: z
    .array(
      z.object({
        issuer: z.string(),
        type: z.array(z.string()),
        claims: z.record(z.string(), z.unknown()).default({}),
        credentialState: z.object({ revocationStatus: z.string().optional() }).loose().optional(),
        domainValidation: z.object({ url: z.string().optional() }).loose().optional(),
        issuanceDate: z.string().optional(),
        expirationDate: z.string().optional(),
        faceCheck: z
          .object({ matchConfidenceScore: z.number().optional(), sourcePhotoQuality: z.string().optional() })
          .loose()
          .optional(),
      }),
    )
    .max(5)
    .optional(),
  error: z.object({ code: z.string().optional(), message: z.string().optional() }).loose().optional(),
  /** Raw tokens; only without Face Check (docs/facts.md §6). Validated when the callback arrives, never stored. */
  receipt: z
    .object({
      id_token: z.string().optional(),
      vp_token: z
        .string()
        .max(64 * 1024)
        .optional(),
      state: z.string().optional(),
    })
    .loose()
    .optional(),
});
export type VerifiedIdCallback = z.infer<typeof callbackSchema>;

const PHOTO_CLAIMS = new Set(["portrait", "photo", "selfie"]);

export interface PresentationOutcome {
  requestStatus: "presentation_verified" | "presentation_error";
  subject?: string | undefined;
  credentials: PresentedCredential[];
  error?: { code?: string | undefined; message?: string | undefined } | undefined;
  /** Our validation of the receipt, when there was one. */
  selfValidation?: SelfValidation | undefined;
}

export function toPresentationOutcome(cb: VerifiedIdCallback): PresentationOutcome {
  if (cb.requestStatus === "request_retrieved") throw new TypeError("request_retrieved carries no outcome");
  return {
    requestStatus: cb.requestStatus,
    subject: cb.subject,
    credentials: (cb.verifiedCredentialsData ?? []).map((vc) => ({
      issuer: vc.issuer,
      type: vc.type,
      claims: Object.fromEntries(Object.entries(vc.claims).filter(([k]) => !PHOTO_CLAIMS.has(k))),
      revocationStatus: vc.credentialState?.revocationStatus,
      issuanceDate: vc.issuanceDate,
      expirationDate: vc.expirationDate,
      faceCheckScore: vc.faceCheck?.matchConfidenceScore,
      linkedDomain: vc.domainValidation?.url,
    })),
    error: cb.error ? { code: cb.error.code, message: cb.error.message } : undefined,
  };
}
