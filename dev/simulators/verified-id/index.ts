/**
 * Verified ID Request Service simulator (docs/facts.md §6): `createPresentationRequest` with the
 * real service's validation and error shapes, plus a wallet side (pages and in-process
 * `scan`/`present`) that plays Microsoft Authenticator presenting the VerifiedIdentity
 * credential held in the shared in-memory Wallet, and the service's unsigned callbacks to
 * the app.
 *
 * Deliberately NOT modelled: the service's own filtering on acceptedIssuers, type,
 * revocation (allowRevoked) and expiry. A presentation is reported as
 * `presentation_verified` with whatever issuer/type/revocationStatus/expirationDate the
 * wallet (or the test) supplies, so the app's mandatory re-checks can be exercised. Face
 * Check IS modelled (below threshold → presentation_error claimValidationError, no score),
 * because that verdict is all the app gets with Face Check.
 *
 * Without Face Check and with `includeReceipt: true`, the callback carries a receipt with a
 * real VP JWT (signed by the wallet's did:jwk holder key) around a real VC JWT signed by one of
 * the simulator's issuers (ES256 or ES256K), whose did:web documents and status lists it
 * serves (credentials.ts). Tests can tamper with either token to exercise the app's own checks.
 */

import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createHttpServer } from "../../support/httpServer";
import { close, createRouter, listen, readBody, sendEmpty, sendHtml, sendJson } from "../http";
import {
  details,
  errorPage,
  escapeHtml,
  optionalString,
  page,
  parseFormOrJson,
  wantsJson,
} from "../idv/page";
import type { Wallet } from "../wallet";
import {
  b64url,
  createHolder,
  createIssuers,
  didDocument,
  type IssuerName,
  issueVcJwt,
  type SimIssuer,
  signJws,
  signVpJwt,
  statusListJwt,
} from "./credentials";

export interface VerifiedIdSimulatorOptions {
  port?: number;
  host?: string;
  /** The only bearer token accepted on createPresentationRequest. */
  acceptedToken: string;
  wallet: Wallet;
  clock?: () => Date;
  /** Lifetime of a presentation request; default 300 s. */
  requestLifetimeSeconds?: number;
  /**
   * `domainValidation.url` reported for presented credentials of issuers that are not did:web;
   * default https://demo-idv.example.com/. A did:web issuer's is its own host (as the service
   * verifies it through the DID's well-known DID configuration).
   */
  linkedDomainUrl?: string;
}

export interface FailNext {
  status: number;
  /** Outer error code, e.g. "tooManyRequests", "badRequest". */
  code: string;
  /** innererror.code, e.g. "transientError", "badOrMissingField". */
  innerCode: string;
  target?: string;
  message?: string;
  /** Adds a Retry-After header. */
  retryAfterSeconds?: number;
}

export interface FaceCheckConfig {
  sourcePhotoClaimName: string;
  matchConfidenceThreshold: number;
}

export type PresentationRequestStatus = "pending" | "retrieved" | "verified" | "failed";

export interface PresentationRequestRecord {
  requestId: string;
  /** The create call's body, exactly as received. */
  body: Record<string, unknown>;
  createdAt: string;
  /** Epoch seconds. */
  expiry: number;
  status: PresentationRequestStatus;
  /** Accepted-but-dubious inputs, e.g. an empty acceptedIssuers (any issuer accepted). */
  warnings: string[];
  clientName: string;
  purpose?: string;
  requestedType: string;
  acceptedIssuers: string[];
  faceCheck?: FaceCheckConfig;
  callback: { url: string; state: string; headers: Record<string, string> };
}

export interface VerifiedCredentialData {
  issuer: string;
  type: string[];
  claims: Record<string, string>;
  credentialState: { revocationStatus: "VALID" | "REVOKED" };
  domainValidation?: { url: string };
  issuanceDate?: string;
  expirationDate: string;
  faceCheck?: { matchConfidenceScore: number; sourcePhotoQuality: string };
}

export interface VerifiedIdCallbackBody {
  requestId: string;
  requestStatus: "request_retrieved" | "presentation_verified" | "presentation_error";
  state: string;
  subject?: string;
  verifiedCredentialsData?: VerifiedCredentialData[];
  receipt?: { id_token: string; vp_token: string; state: string };
  error?: { code: string; message: string };
}

export interface CallbackRecord {
  requestId: string;
  url: string;
  body: VerifiedIdCallbackBody;
  headers: Record<string, string>;
  /** HTTP status from the app; null when the request failed at the network level. */
  status: number | null;
  error?: string;
}

export interface PresentOverrides {
  firstName?: string;
  lastName?: string;
  dateOfBirth?: string;
  issuer?: string;
  /** Credential type presented; default the wallet credential's ("VerifiedIdentity"). */
  type?: string;
  /** Default 92.5. */
  faceCheckScore?: number;
  revocationStatus?: "VALID" | "REVOKED";
  /** Present a credential whose expirationDate is in the past. */
  expired?: boolean;
  /** The credential's issuanceDate instead of the held one's; null: the verdict carries none. */
  issuanceDate?: string | null;
  decline?: boolean;
  /** Claims left out of the credential (and the service's verdict). */
  omitClaims?: Array<"firstName" | "lastName">;
  /** Report no `domainValidation` (the linked domain was not verified). */
  noDomainValidation?: boolean;
  /** Report this `domainValidation.url` instead of the issuer's own. */
  linkedDomain?: string;
  /** The receipt's VC has its status-list bit set while the verdict still says VALID (a stale service view). */
  revokedInStatusList?: boolean;
  /** Which simulator issuer signs the receipt's VC; default "es256". "rogue" is never accepted. */
  signer?: IssuerName;
  /** Receipt manipulation (only when a receipt is sent: no Face Check, includeReceipt). */
  receipt?: ReceiptOverrides;
}

export type ReceiptTamper =
  /** One byte of the VP signature flipped. */
  | "vp_signature"
  /** The VC payload replaced by another one (names changed), the signature kept. */
  | "vc_payload_swap"
  /** The VP re-encoded with `alg: none` and no signature. */
  | "alg_none"
  /** The VP header claims RS256, an algorithm not on the allow-list. */
  | "unlisted_alg"
  /** The VC signed by a rogue key that the header brings along as `jwk`. */
  | "embedded_jwk"
  /** The VC claims the accepted issuer but its kid names (and it is signed by) another DID's key. */
  | "foreign_kid";

export interface ReceiptOverrides {
  tamper?: ReceiptTamper;
  /** The VP's nonce; default the request's. */
  nonce?: string;
  /** The VP's audience; default the request's authority. */
  audience?: string;
  /** Send this VP token verbatim (a replay of an earlier one). */
  vpToken?: string;
}

/** A wallet-side failure with the HTTP status the wallet endpoints answer. */
export class VerifiedIdFlowError extends Error {
  override readonly name = "VerifiedIdFlowError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface VerifiedIdSimulator {
  readonly url: string;
  stop(): Promise<void>;
  readonly requests: readonly PresentationRequestRecord[];
  /** createPresentationRequest calls answered with a `failNext` error, oldest first. */
  readonly refusals: readonly FailNext[];
  readonly callbacks: readonly CallbackRecord[];
  /** The next createPresentationRequest call (after auth) answers this error. */
  failNext(failure: FailNext): void;
  /** Wallet scanned the QR code: sends `request_retrieved`. */
  scan(requestId: string): Promise<CallbackRecord>;
  /** Wallet presents (or declines): sends `presentation_verified` / `presentation_error`. */
  present(requestId: string, overrides?: PresentOverrides): Promise<CallbackRecord>;
  /**
   * Posts callbacks[index] again, same body and headers: the service retrying a callback it
   * could not deliver, or delivering one twice (fault campaigns).
   */
  redeliverCallback(index: number): Promise<CallbackRecord>;
  /** DIDs of the simulator's signing issuers (did:web, served by this simulator). */
  readonly issuerDids: Readonly<Record<IssuerName, string>>;
  /** The wallet holder's DID (did:jwk). */
  readonly holderDid: string;
}

/**
 * The nonce the request object carries for a request created with `state`. Undocumented for
 * the real service (docs/facts.md §6); the app expects exactly this derivation (src/verified-id/vpValidation.ts).
 */
export function requestNonce(state: string): string {
  return createHash("sha256").update(`vp-nonce:${state}`, "utf8").digest("base64url");
}

/**
 * Decline is not documented (docs/facts.md §6 names no presentation error code besides
 * claimValidationError); this code is our assumption.
 */
export const DECLINE_ERROR_CODE = "user_canceled";
const DEFAULT_FACE_CHECK_SCORE = 92.5;
const DEFAULT_THRESHOLD = 70;
const DID = /^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$/;
const ALLOWED_CALLBACK_HEADERS = new Set(["api-key", "authorization"]);

type Validation =
  | { ok: true; record: Omit<PresentationRequestRecord, "requestId" | "createdAt" | "expiry" | "status"> }
  | {
      ok: false;
      target: string;
      message: string;
    };

export async function startVerifiedIdSimulator(
  options: VerifiedIdSimulatorOptions,
): Promise<VerifiedIdSimulator> {
  const clock = options.clock ?? (() => new Date());
  const lifetime = options.requestLifetimeSeconds ?? 300;
  const linkedDomainUrl = options.linkedDomainUrl ?? "https://demo-idv.example.com/";
  /** did:web:host%3Aport:path → https://host:port/; other DIDs → the configured linked domain. */
  const linkedDomainOf = (did: string): string => {
    const match = /^did:web:([^:]+)/.exec(did);
    return match ? `https://${match[1]!.replace(/%3A/gi, ":")}/` : linkedDomainUrl;
  };
  const requests: PresentationRequestRecord[] = [];
  const callbacks: CallbackRecord[] = [];
  const holder = createHolder();
  let issuers = new Map<IssuerName, SimIssuer>();
  let failure: FailNext | undefined;
  let baseUrl = "";

  const apiError = (
    res: ServerResponse,
    status: number,
    code: string,
    innerCode: string,
    message: string,
    target?: string,
    headers: Record<string, string> = {},
  ) =>
    sendJson(
      res,
      status,
      {
        requestId: randomUUID(),
        date: new Date().toUTCString(),
        mscv: randomBytes(12).toString("base64url"),
        error: {
          code,
          message: status === 400 ? "The request is invalid." : message,
          innererror: { code: innerCode, message, ...(target !== undefined ? { target } : {}) },
        },
      },
      headers,
    );

  const findOpen = (requestId: string): PresentationRequestRecord => {
    const rec = requests.find((r) => r.requestId === requestId);
    if (!rec) throw new VerifiedIdFlowError(404, "Unknown presentation request.");
    if (clock().getTime() >= rec.expiry * 1000)
      throw new VerifiedIdFlowError(410, "This presentation request has expired.");
    if (rec.status === "verified" || rec.status === "failed") {
      throw new VerifiedIdFlowError(409, "This presentation request has already been answered.");
    }
    return rec;
  };

  const sendCallback = async (
    rec: PresentationRequestRecord,
    body: VerifiedIdCallbackBody,
  ): Promise<CallbackRecord> => {
    // Only api-key / Authorization can be configured (validated at create time).
    const headers: Record<string, string> = { ...rec.callback.headers, "Content-Type": "application/json" };
    const record: CallbackRecord = {
      requestId: rec.requestId,
      url: rec.callback.url,
      body,
      headers,
      status: null,
    };
    try {
      const res = await fetch(rec.callback.url, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      record.status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err);
    }
    callbacks.push(record);
    return record;
  };

  const scan = async (requestId: string): Promise<CallbackRecord> => {
    const rec = findOpen(requestId);
    rec.status = "retrieved";
    return sendCallback(rec, { requestId, requestStatus: "request_retrieved", state: rec.callback.state });
  };

  const present = async (requestId: string, o: PresentOverrides = {}): Promise<CallbackRecord> => {
    const rec = findOpen(requestId);
    const base = { requestId, state: rec.callback.state };
    if (o.decline) {
      rec.status = "failed";
      return sendCallback(rec, {
        ...base,
        requestStatus: "presentation_error",
        error: { code: DECLINE_ERROR_CODE, message: "The user declined the presentation request." },
      });
    }
    const held = options.wallet.latest();
    const firstName = o.firstName ?? held?.claims.firstName;
    const lastName = o.lastName ?? held?.claims.lastName;
    const issuer = o.issuer ?? held?.issuer;
    if (!firstName || !lastName || !issuer) {
      throw new VerifiedIdFlowError(409, "The wallet holds no credential to present.");
    }
    if (rec.faceCheck) {
      const score = o.faceCheckScore ?? DEFAULT_FACE_CHECK_SCORE;
      if (score < rec.faceCheck.matchConfidenceThreshold) {
        rec.status = "failed";
        // As documented: no score in the error (docs/facts.md §6).
        return sendCallback(rec, {
          ...base,
          requestStatus: "presentation_error",
          error: {
            code: "claimValidationError",
            message: "Face check did not meet the required confidence threshold.",
          },
        });
      }
    }
    const now = clock();
    const dayMs = 86_400_000;
    const withReceipt = !rec.faceCheck && rec.body["includeReceipt"] === true;
    const signer = withReceipt ? issuers.get(o.signer ?? "es256")! : undefined;
    const claims: Record<string, string> = {};
    for (const [k, v] of Object.entries(held?.claims ?? {})) if (typeof v === "string") claims[k] = v;
    Object.assign(claims, { firstName, lastName });
    const dateOfBirth = o.dateOfBirth ?? held?.claims.dateOfBirth;
    if (dateOfBirth) claims["dateOfBirth"] = dateOfBirth;
    for (const omitted of o.omitClaims ?? []) delete claims[omitted];
    const revocationStatus = o.revocationStatus ?? (held?.revoked ? "REVOKED" : "VALID");
    const type = o.type ?? held?.type ?? "VerifiedIdentity";
    const issuanceDate = o.issuanceDate
      ? o.issuanceDate
      : o.expired
        ? new Date(now.getTime() - 366 * dayMs).toISOString()
        : (held?.issuanceDate ?? now.toISOString());
    const expirationDate = o.expired
      ? new Date(now.getTime() - dayMs).toISOString()
      : (held?.expirationDate ?? new Date(now.getTime() + 365 * dayMs).toISOString());
    const data: VerifiedCredentialData = {
      // A signed credential is issued by the signer (an explicit issuer override still wins).
      issuer: signer && !o.issuer ? signer.did : issuer,
      type: ["VerifiableCredential", type],
      claims,
      credentialState: { revocationStatus },
      ...(o.noDomainValidation
        ? {}
        : {
            domainValidation: {
              url: o.linkedDomain ?? linkedDomainOf(signer && !o.issuer ? signer.did : issuer),
            },
          }),
      ...(o.issuanceDate === null ? {} : { issuanceDate }),
      expirationDate,
      ...(rec.faceCheck
        ? {
            faceCheck: {
              matchConfidenceScore: o.faceCheckScore ?? DEFAULT_FACE_CHECK_SCORE,
              sourcePhotoQuality: "HIGH",
            },
          }
        : {}),
    };
    rec.status = "verified";
    // With Face Check the service never sends a receipt (docs/facts.md §6).
    const receipt = signer
      ? buildReceipt(rec, o.receipt ?? {}, {
          signer,
          type,
          claims: { ...claims, ...(held?.claims.portrait ? { portrait: held.claims.portrait } : {}) },
          issuanceDate: new Date(issuanceDate),
          expirationDate: new Date(expirationDate),
          revoked: revocationStatus === "REVOKED" || o.revokedInStatusList === true,
          now,
        })
      : undefined;
    return sendCallback(rec, {
      ...base,
      requestStatus: "presentation_verified",
      subject: holder.did,
      verifiedCredentialsData: [data],
      ...(receipt ? { receipt } : {}),
    });
  };

  const buildReceipt = (
    rec: PresentationRequestRecord,
    r: ReceiptOverrides,
    vc: {
      signer: SimIssuer;
      type: string;
      claims: Record<string, string>;
      issuanceDate: Date;
      expirationDate: Date;
      revoked: boolean;
      now: Date;
    },
  ): NonNullable<VerifiedIdCallbackBody["receipt"]> => {
    const authority = String(rec.body["authority"]);
    const nonce = r.nonce ?? requestNonce(rec.callback.state);
    const rogue = issuers.get("rogue")!;
    let vcJwt = issueVcJwt({
      baseUrl,
      issuer: vc.signer,
      holder,
      type: vc.type,
      claims: vc.claims,
      issuanceDate: vc.issuanceDate,
      expirationDate: vc.expirationDate,
      revoked: vc.revoked,
    });
    const [, vcPayload] = vcJwt.split(".") as [string, string, string];
    if (r.tamper === "vc_payload_swap") {
      const payload = JSON.parse(Buffer.from(vcPayload, "base64url").toString("utf8")) as {
        vc: { credentialSubject: Record<string, string> };
      };
      payload.vc.credentialSubject.firstName = "Mallory";
      const [h, , sig] = vcJwt.split(".");
      vcJwt = `${h}.${b64url(payload)}.${sig}`;
    }
    if (r.tamper === "embedded_jwk" || r.tamper === "foreign_kid") {
      const payload = JSON.parse(Buffer.from(vcPayload, "base64url").toString("utf8")) as Record<
        string,
        unknown
      >;
      const header =
        r.tamper === "embedded_jwk"
          ? { alg: "ES256", typ: "JWT", kid: vc.signer.kid, jwk: rogue.publicJwk }
          : { alg: "ES256", typ: "JWT", kid: rogue.kid };
      vcJwt = signJws(header, payload, rogue.privateKey);
    }
    let vpToken = r.vpToken ?? signVpJwt(holder, vcJwt, r.audience ?? authority, nonce, vc.now);
    const [vpHeader, vpPayload, vpSig] = vpToken.split(".") as [string, string, string];
    if (r.tamper === "vp_signature") {
      const sig = Buffer.from(vpSig, "base64url");
      sig[0] = (sig[0] ?? 0) ^ 0x01;
      vpToken = `${vpHeader}.${vpPayload}.${sig.toString("base64url")}`;
    }
    if (r.tamper === "alg_none") vpToken = `${b64url({ alg: "none", typ: "JWT" })}.${vpPayload}.`;
    if (r.tamper === "unlisted_alg") {
      vpToken = `${b64url({ alg: "RS256", typ: "JWT", kid: holder.kid })}.${vpPayload}.${vpSig}`;
    }
    const iat = Math.floor(vc.now.getTime() / 1000);
    const idToken = signJws(
      { alg: "EdDSA", typ: "JWT", kid: holder.kid },
      { iss: holder.did, sub: holder.did, aud: authority, nonce, iat, exp: iat + 600 },
      holder.privateKey,
    );
    return { id_token: idToken, vp_token: vpToken, state: rec.callback.state };
  };

  const flowFail = (req: IncomingMessage, res: ServerResponse, err: unknown) => {
    if (!(err instanceof VerifiedIdFlowError)) throw err;
    if (wantsJson(req)) sendJson(res, err.status, { error: "walletError", message: err.message });
    else sendHtml(res, err.status, errorPage("Cannot continue", err.message));
  };

  const refusals: FailNext[] = [];
  const router = createRouter()
    .post("/v1.0/verifiableCredentials/createPresentationRequest", async ({ req, res }) => {
      const auth = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "");
      if (auth?.[1] !== options.acceptedToken) {
        return apiError(res, 401, "unauthorized", "tokenError", "The access token is missing or invalid.");
      }
      if (failure) {
        const f = failure;
        failure = undefined;
        refusals.push(f);
        return apiError(
          res,
          f.status,
          f.code,
          f.innerCode,
          f.message ?? `Simulated ${f.code} error.`,
          f.target,
          f.retryAfterSeconds !== undefined ? { "Retry-After": String(f.retryAfterSeconds) } : {},
        );
      }
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return apiError(
          res,
          400,
          "badRequest",
          "badOrMissingField",
          "The request body is not valid JSON.",
          "",
        );
      }
      const result = validateCreate(body);
      if (!result.ok)
        return apiError(res, 400, "badRequest", "badOrMissingField", result.message, result.target);
      const now = clock();
      const record: PresentationRequestRecord = {
        requestId: randomUUID(),
        createdAt: now.toISOString(),
        expiry: Math.floor(now.getTime() / 1000) + lifetime,
        status: "pending",
        ...result.record,
      };
      requests.push(record);
      sendJson(res, 201, {
        requestId: record.requestId,
        url: `openid-vc://?request_uri=${baseUrl}/v1.0/verifiableCredentials/request/${record.requestId}`,
        expiry: record.expiry,
        // Like the real service, only when asked for.
        ...(record.body["includeQRCode"] === true ? { qrCode: qrPlaceholder(record.requestId) } : {}),
      });
    })
    // did:web documents and status lists of the simulator's issuers (credentials.ts).
    .get("/issuers/:name/did.json", ({ res, params }) => {
      const issuer = issuers.get(params["name"] as IssuerName);
      if (!issuer) return sendJson(res, 404, { error: "notFound" });
      sendJson(res, 200, didDocument(issuer), { "Content-Type": "application/did+json" });
    })
    .get("/issuers/:name/status/1", ({ res, params }) => {
      const issuer = issuers.get(params["name"] as IssuerName);
      if (!issuer) return sendJson(res, 404, { error: "notFound" });
      const body = Buffer.from(statusListJwt(baseUrl, issuer, clock()), "utf8");
      res.writeHead(200, { "Content-Type": "application/jwt", "Content-Length": body.length });
      res.end(body);
    })
    // The request_uri a real wallet fetches; here it leads a browser to the wallet page.
    .get("/v1.0/verifiableCredentials/request/:id", ({ res, params }) =>
      sendEmpty(res, 303, { Location: `/wallet/requests/${encodeURIComponent(params["id"] ?? "")}` }),
    )
    .get("/wallet", ({ res }) => {
      const now = clock().getTime();
      const open = requests.filter(
        (r) => (r.status === "pending" || r.status === "retrieved") && now < r.expiry * 1000,
      );
      const held = options.wallet.latest();
      const items = open
        .map(
          (r) =>
            `<li><a href="/wallet/requests/${escapeHtml(encodeURIComponent(r.requestId))}">${escapeHtml(r.clientName)}: ${escapeHtml(r.requestedType)}</a> <span class="note">(expires ${escapeHtml(new Date(r.expiry * 1000).toISOString())})</span></li>`,
        )
        .join("");
      sendHtml(
        res,
        200,
        page(
          "Wallet",
          `<h1>Wallet (simulated Authenticator)</h1>
<h2>Credential held</h2>
${
  held
    ? details([
        ["Type", held.type],
        ["Issuer", held.issuer],
        ["Name", `${held.claims.firstName} ${held.claims.lastName}`],
        ["Expires", held.expirationDate],
      ])
    : "<p>No credential yet.</p>"
}
<h2>Pending presentation requests</h2>
${items ? `<ul>${items}</ul>` : "<p>None.</p>"}`,
        ),
      );
    })
    .get("/wallet/requests/:id", async ({ req, res, params }) => {
      const id = params["id"] ?? "";
      try {
        await scan(id);
      } catch (err) {
        return flowFail(req, res, err);
      }
      const rec = requests.find((r) => r.requestId === id)!;
      sendHtml(res, 200, requestPage(rec, options.wallet));
    })
    .post("/wallet/requests/:id/present", async ({ req, res, params }) => {
      let fields: Record<string, unknown>;
      try {
        fields = parseFormOrJson(req, await readBody(req, 64 * 1024));
      } catch {
        return flowFail(req, res, new VerifiedIdFlowError(400, "The form could not be read."));
      }
      let callback: CallbackRecord;
      try {
        callback = await present(params["id"] ?? "", toOverrides(fields));
      } catch (err) {
        return flowFail(req, res, err);
      }
      if (wantsJson(req)) return sendJson(res, 200, { callbackStatus: callback.status });
      const outcome =
        callback.body.requestStatus === "presentation_verified"
          ? "Credential presented."
          : `Presentation failed: ${callback.body.error?.code ?? "error"}.`;
      sendHtml(
        res,
        200,
        page(
          "Done",
          `<h1>Done</h1><p role="status">${escapeHtml(outcome)}</p>${details([["Callback status", callback.status ?? callback.error ?? "none"]])}<p><a href="/wallet">Back to the wallet</a></p>`,
        ),
      );
    });

  const server = createHttpServer(
    router.listener(({ res }) => sendJson(res, 404, { error: { code: "notFound", message: "Not found." } })),
  );
  baseUrl = await listen(server, options.port ?? 0, options.host ?? "127.0.0.1");
  issuers = createIssuers(baseUrl);

  return {
    url: baseUrl,
    stop: () => close(server),
    requests,
    refusals,
    callbacks,
    failNext(f) {
      failure = f;
    },
    scan,
    present,
    redeliverCallback(index) {
      const original = callbacks[index];
      if (!original) throw new RangeError(`redeliverCallback: no callback #${index}`);
      const rec = requests.find((r) => r.requestId === original.requestId);
      if (!rec) throw new RangeError(`redeliverCallback: no request ${original.requestId}`);
      return sendCallback(rec, original.body);
    },
    issuerDids: {
      es256: issuers.get("es256")!.did,
      es256k: issuers.get("es256k")!.did,
      rogue: issuers.get("rogue")!.did,
    },
    holderDid: holder.did,
  };
}

/** Form or JSON fields → overrides; bad values raise 400. */
function toOverrides(fields: Record<string, unknown>): PresentOverrides {
  const o: PresentOverrides = {};
  for (const key of ["firstName", "lastName", "dateOfBirth", "issuer", "type", "linkedDomain"] as const) {
    const v = optionalString(fields[key]);
    if (v !== undefined) o[key] = v;
  }
  const score = fields["faceCheckScore"];
  if (score !== undefined && score !== "") {
    const n = typeof score === "number" ? score : Number(score);
    if (!Number.isFinite(n) || n < 0 || n > 100)
      throw new VerifiedIdFlowError(400, "faceCheckScore must be 0..100.");
    o.faceCheckScore = n;
  }
  const rev = fields["revocationStatus"];
  if (rev === "VALID" || rev === "REVOKED") o.revocationStatus = rev;
  else if (rev !== undefined && rev !== "")
    throw new VerifiedIdFlowError(400, "revocationStatus must be VALID or REVOKED.");
  const truthy = (v: unknown) => v === true || v === "true" || v === "on";
  if (truthy(fields["expired"])) o.expired = true;
  if (truthy(fields["noDomainValidation"])) o.noDomainValidation = true;
  if (truthy(fields["revokedInStatusList"])) o.revokedInStatusList = true;
  const omit = fields["omitClaims"];
  const omitted = Array.isArray(omit) ? omit : typeof omit === "string" && omit !== "" ? omit.split(",") : [];
  for (const claim of omitted) {
    if (claim !== "firstName" && claim !== "lastName")
      throw new VerifiedIdFlowError(400, "omitClaims may name firstName and lastName.");
    o.omitClaims = [...(o.omitClaims ?? []), claim];
  }
  const signer = fields["signer"];
  if (signer === "es256" || signer === "es256k" || signer === "rogue") o.signer = signer;
  else if (signer !== undefined && signer !== "")
    throw new VerifiedIdFlowError(400, "signer must be es256, es256k or rogue.");
  if (truthy(fields["decline"]) || fields["action"] === "decline") o.decline = true;
  return o;
}

/** The service's checks on a create call (docs/facts.md §6); the first problem wins, with its target. */
export function validateCreate(body: unknown): Validation {
  const bad = (target: string, message: string): Validation => ({ ok: false, target, message });
  if (!isObject(body)) return bad("", "The request body must be a JSON object.");
  const warnings: string[] = [];

  if (typeof body["authority"] !== "string" || !DID.test(body["authority"])) {
    return bad("authority", "authority must be a DID.");
  }
  for (const flag of ["includeQRCode", "includeReceipt"]) {
    if (body[flag] !== undefined && typeof body[flag] !== "boolean")
      return bad(flag, `${flag} must be a boolean.`);
  }

  const registration = body["registration"];
  if (!isObject(registration)) return bad("registration", "registration is required.");
  if (!nonEmpty(registration["clientName"]))
    return bad("registration.clientName", "registration.clientName is required.");
  if (registration["purpose"] !== undefined && typeof registration["purpose"] !== "string") {
    return bad("registration.purpose", "registration.purpose must be a string.");
  }

  const callback = body["callback"];
  if (!isObject(callback)) return bad("callback", "callback is required.");
  if (!nonEmpty(callback["url"]) || !isAbsoluteHttpUrl(callback["url"])) {
    return bad("callback.url", "callback.url must be an absolute URL.");
  }
  if (!nonEmpty(callback["state"])) return bad("callback.state", "callback.state is required.");
  const callbackHeaders: Record<string, string> = {};
  if (callback["headers"] !== undefined) {
    if (!isObject(callback["headers"])) return bad("callback.headers", "callback.headers must be an object.");
    for (const [name, value] of Object.entries(callback["headers"])) {
      if (!ALLOWED_CALLBACK_HEADERS.has(name.toLowerCase())) {
        return bad(
          "callback.headers",
          `callback header '${name}' is not allowed; only api-key or Authorization.`,
        );
      }
      if (typeof value !== "string")
        return bad(`callback.headers.${name}`, `callback header '${name}' must be a string.`);
      callbackHeaders[name] = value;
    }
  }

  const creds = body["requestedCredentials"];
  if (!Array.isArray(creds) || creds.length === 0) {
    return bad("requestedCredentials", "requestedCredentials must be a non-empty array.");
  }
  let faceCheck: FaceCheckConfig | undefined;
  for (const [i, cred] of creds.entries()) {
    const at = `requestedCredentials[${i}]`;
    if (!isObject(cred)) return bad(at, `${at} must be an object.`);
    if (!nonEmpty(cred["type"])) return bad(`${at}.type`, `${at}.type is required.`);
    const issuers = cred["acceptedIssuers"];
    // Stricter than the service on absence (a forgotten list is a bug); empty is accepted like the service does.
    if (!Array.isArray(issuers) || !issuers.every((d) => typeof d === "string" && DID.test(d))) {
      return bad(`${at}.acceptedIssuers`, `${at}.acceptedIssuers must be an array of DIDs.`);
    }
    if (issuers.length === 0) warnings.push(`${at}.acceptedIssuers is empty: any issuer is accepted.`);
    if (cred["constraints"] !== undefined) {
      if (!Array.isArray(cred["constraints"]))
        return bad(`${at}.constraints`, `${at}.constraints must be an array.`);
      for (const [j, c] of cred["constraints"].entries()) {
        const ok =
          isObject(c) &&
          nonEmpty(c["claimName"]) &&
          (isStringArray(c["values"]) || nonEmpty(c["contains"]) || nonEmpty(c["startsWith"]));
        if (!ok)
          return bad(
            `${at}.constraints[${j}]`,
            "A constraint needs claimName and values, contains or startsWith.",
          );
      }
    }
    const configuration = cred["configuration"];
    if (configuration === undefined) continue;
    if (!isObject(configuration)) return bad(`${at}.configuration`, `${at}.configuration must be an object.`);
    const validation = configuration["validation"];
    if (validation === undefined) continue;
    const vat = `${at}.configuration.validation`;
    if (!isObject(validation)) return bad(vat, `${vat} must be an object.`);
    for (const flag of ["allowRevoked", "validateLinkedDomain"]) {
      if (validation[flag] !== undefined && typeof validation[flag] !== "boolean") {
        return bad(`${vat}.${flag}`, `${vat}.${flag} must be a boolean.`);
      }
    }
    if (validation["allowRevoked"] === true) warnings.push(`${vat}.allowRevoked is true.`);
    const fc = validation["faceCheck"];
    if (fc === undefined) continue;
    if (!isObject(fc)) return bad(`${vat}.faceCheck`, `${vat}.faceCheck must be an object.`);
    if (!nonEmpty(fc["sourcePhotoClaimName"])) {
      return bad(`${vat}.faceCheck.sourcePhotoClaimName`, "faceCheck.sourcePhotoClaimName is required.");
    }
    const threshold = fc["matchConfidenceThreshold"] ?? DEFAULT_THRESHOLD;
    if (typeof threshold !== "number" || !Number.isInteger(threshold) || threshold < 50 || threshold > 100) {
      return bad(
        `${vat}.faceCheck.matchConfidenceThreshold`,
        "faceCheck.matchConfidenceThreshold must be an integer from 50 to 100.",
      );
    }
    faceCheck = { sourcePhotoClaimName: fc["sourcePhotoClaimName"], matchConfidenceThreshold: threshold };
  }
  if (faceCheck && body["includeReceipt"] === true) {
    return bad("includeReceipt", "includeReceipt must be false when faceCheck is requested.");
  }

  const first = creds[0] as Record<string, unknown>;
  return {
    ok: true,
    record: {
      body,
      warnings,
      clientName: registration["clientName"] as string,
      ...(typeof registration["purpose"] === "string" ? { purpose: registration["purpose"] } : {}),
      requestedType: first["type"] as string,
      acceptedIssuers: first["acceptedIssuers"] as string[],
      ...(faceCheck ? { faceCheck } : {}),
      callback: {
        url: callback["url"] as string,
        state: callback["state"] as string,
        headers: callbackHeaders,
      },
    },
  };
}

function requestPage(rec: PresentationRequestRecord, wallet: Wallet): string {
  const held = wallet.latest();
  const value = (v: string | undefined) => `value="${escapeHtml(v ?? "")}"`;
  const action = `/wallet/requests/${escapeHtml(encodeURIComponent(rec.requestId))}/present`;
  return page(
    "Presentation request",
    `<h1>Presentation request</h1>
${details([
  ["Requested by", rec.clientName],
  ["Purpose", rec.purpose ?? ""],
  ["Credential type", rec.requestedType],
  ["Accepted issuers", rec.acceptedIssuers.length > 0 ? rec.acceptedIssuers.join(", ") : "any (empty list)"],
  ["Face Check threshold", rec.faceCheck ? rec.faceCheck.matchConfidenceThreshold : "no Face Check"],
  ["Expires", new Date(rec.expiry * 1000).toISOString()],
])}
${held ? "" : '<p class="note">The wallet holds no credential: fill in the fields to present one anyway.</p>'}
<form method="post" action="${action}">
<label for="firstName">First name</label><input id="firstName" name="firstName" ${value(held?.claims.firstName)}>
<label for="lastName">Last name</label><input id="lastName" name="lastName" ${value(held?.claims.lastName)}>
<label for="issuer">Issuer</label><input id="issuer" name="issuer" ${value(held?.issuer)}>
<label for="faceCheckScore">Face Check score</label><input id="faceCheckScore" name="faceCheckScore" type="number" min="0" max="100" step="0.01" value="${DEFAULT_FACE_CHECK_SCORE}">
<label for="revocationStatus">Revocation status</label><select id="revocationStatus" name="revocationStatus"><option value="">as held</option><option>VALID</option><option>REVOKED</option></select>
<label><input type="checkbox" name="expired" value="true" style="width:auto"> Present an expired credential</label>
<button type="submit" name="action" value="present">Present</button>
<button type="submit" name="action" value="decline">Decline</button>
</form>
<p class="note"><strong>Present</strong> shares the credential, as Microsoft Authenticator does after its
selfie: the Verified ID service calls the app back with these claims and the Face Check score. A score
below the threshold ends the recovery with <code>face_check_failed</code>; a name that differs from the
directory with <code>profile_mismatch</code>. <strong>Decline</strong> refuses the request
(<code>presentation_rejected</code>).</p>`,
  );
}

/** A stand-in for the QR code: an SVG showing the request id (nothing scans it locally). */
function qrPlaceholder(requestId: string): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240" viewBox="0 0 240 240" role="img" aria-label="Verified ID presentation request"><rect x="1" y="1" width="238" height="238" fill="#fff" stroke="#000" stroke-width="2"/><text x="120" y="110" text-anchor="middle" font-family="monospace" font-size="12">Verified ID request</text><text x="120" y="132" text-anchor="middle" font-family="monospace" font-size="9">${escapeHtml(requestId)}</text></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
function nonEmpty(v: unknown): v is string {
  return typeof v === "string" && v.trim() !== "";
}
function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string");
}
function isAbsoluteHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === "https:" || u.protocol === "http:";
  } catch {
    return false;
  }
}
