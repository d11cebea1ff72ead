/**
 * Verified ID Request Service client: creates presentation requests for the
 * `VerifiedIdentity` credential with Face Check (docs/facts.md §6). Plain fetch with an app token
 * for the documented scope. Transient API errors (429, 5xx, innererror transientError) are
 * marked transient so the orchestrator's retry policy retries them; the rest are permanent
 * and name the bad field.
 */
import type { TokenCredential } from "@azure/identity";
import { DependencyError, VerifiedIdRequestError } from "../recovery/errors";

export const VERIFIED_ID_SCOPE = "3db474b9-6a0c-4840-96ac-1fceb342124f/.default";

export interface PresentationRequestInput {
  authority: string;
  clientName: string;
  purpose: string;
  acceptedIssuers: readonly string[];
  /** undefined: no Face Check; the receipt (raw VP) is asked for instead, to validate ourselves. */
  faceCheckThreshold: number | undefined;
  callbackUrl: string;
  state: string;
  apiKey: string;
}

export interface CreatedPresentationRequest {
  requestId: string;
  url: string;
  expiry: number;
  qrCode?: string | undefined;
}

interface ApiError {
  error?: {
    code?: string;
    message?: string;
    innererror?: { code?: string; message?: string; target?: string };
  };
}

export class VerifiedIdClient {
  constructor(
    private readonly baseUrl: string,
    private readonly credential: TokenCredential,
  ) {}

  async createPresentationRequest(input: PresentationRequestInput): Promise<CreatedPresentationRequest> {
    if (input.acceptedIssuers.length === 0) throw new TypeError("acceptedIssuers must not be empty");
    const token = await this.credential.getToken(VERIFIED_ID_SCOPE);
    if (!token) throw new DependencyError("verified_id_error", "no Verified ID token", true);
    const body = {
      authority: input.authority,
      includeQRCode: true,
      // With Face Check the receipt must be off (docs/facts.md §6); without it we want the raw VP.
      includeReceipt: input.faceCheckThreshold === undefined,
      registration: { clientName: input.clientName, purpose: input.purpose },
      callback: { url: input.callbackUrl, state: input.state, headers: { "api-key": input.apiKey } },
      requestedCredentials: [
        {
          type: "VerifiedIdentity",
          purpose: input.purpose,
          acceptedIssuers: [...input.acceptedIssuers],
          configuration: {
            validation: {
              allowRevoked: false,
              validateLinkedDomain: true,
              ...(input.faceCheckThreshold === undefined
                ? {}
                : {
                    faceCheck: {
                      sourcePhotoClaimName: "portrait",
                      matchConfidenceThreshold: input.faceCheckThreshold,
                    },
                  }),
            },
          },
        },
      ],
    };
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/v1.0/verifiableCredentials/createPresentationRequest`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token.token}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw new DependencyError("verified_id_error", "Verified ID unreachable", true, { cause: err });
    }
    const text = await response.text();
    if (response.status === 201 || response.status === 200) {
      const created = JSON.parse(text) as CreatedPresentationRequest;
      if (!created.requestId || !created.url) {
        throw new DependencyError("verified_id_error", "Verified ID answered without requestId/url", false);
      }
      return created;
    }
    let apiError: ApiError = {};
    try {
      apiError = JSON.parse(text) as ApiError;
    } catch {
      // not JSON: keep the status only
    }
    const inner = apiError.error?.innererror;
    const transient = response.status === 429 || response.status >= 500 || inner?.code === "transientError";
    const detail = [apiError.error?.code, inner?.code, inner?.target ? `target=${inner.target}` : undefined]
      .filter(Boolean)
      .join(" ");
    throw new VerifiedIdRequestError(
      `createPresentationRequest ${response.status} ${detail}`.trim(),
      transient,
      {
        innerCode: inner?.code,
        target: inner?.target,
      },
    );
  }
}
