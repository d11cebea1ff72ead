/**
 * Admin API authentication: an Entra v2 access token for our admin API app registration
 * (infra/modules/entra.bicep sets `requestedAccessTokenVersion: 2`), validated with jose —
 * RS256 signature against the tenant's JWKS (cached; refetched on an unknown `kid`, at most
 * once per cooldown), issuer `{authority}/{tenant}/v2.0` and `tid` of our tenant, audience our
 * app (client id or identifier URI; an `aud` array only when ours is its only member or `azp`
 * is our own client), expiry with 60 s of skew, a lifetime (`exp - iat`) no Entra token
 * exceeds (28 h), and the app role: any of
 * `Recovery.Admin` / `Recovery.Reader` to read, `Recovery.Admin` to write, and
 * `Recovery.Helpdesk` (alone: an admin is not a helpdesk agent) for helpdesk verifications.
 *
 * Only v2 issuers are accepted: the app registration asks for v2 tokens, so a v1 token
 * (`https://sts.windows.net/{tenant}/`) for it would be a misconfiguration to surface, not to
 * tolerate. A token that fails any check is 401 with `WWW-Authenticate: Bearer
 * error="invalid_token"`; a valid token without the role is 403 `forbidden`.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { createRemoteJWKSet, type JWTPayload, errors as joseErrors, jwtVerify } from "jose";
import { type AppConfig, getConfig } from "../config";
import { bearerToken, respond } from "../http";
import {
  AdminApiNotConfiguredError,
  DependencyError,
  ForbiddenError,
  type RecoveryError,
  type UnauthorizedCode,
  UnauthorizedError,
} from "../recovery/errors";

export const ADMIN_ROLE = "Recovery.Admin";
export const READER_ROLE = "Recovery.Reader";
export const HELPDESK_ROLE = "Recovery.Helpdesk";

/** What a route needs: `read` (Admin or Reader), `write` (Admin) or `helpdesk` (Helpdesk only). */
export type AdminAccess = "read" | "write" | "helpdesk";

const ROLES_FOR: Record<AdminAccess, readonly string[]> = {
  read: [ADMIN_ROLE, READER_ROLE],
  write: [ADMIN_ROLE],
  helpdesk: [HELPDESK_ROLE],
};

export interface AdminPrincipal {
  /** The admin's object id (`oid`): what the audit records. */
  oid: string;
  roles: string[];
  /** `preferred_username` or `name`, when the token carries one (display only). */
  name?: string | undefined;
}

/** Tokens a few seconds out of date (clock skew between Entra and us) are still accepted. */
const CLOCK_TOLERANCE_SECONDS = 60;
/**
 * The longest `exp - iat` an Entra access token has: 60–90 minutes by default, and up to 28
 * hours for the long-lived tokens of Continuous Access Evaluation. A token that claims more
 * (years, say) was not issued by Entra's defaults and is refused whatever its signature.
 */
export const MAX_TOKEN_LIFETIME_SECONDS = 28 * 3600;

function invalidToken(code: UnauthorizedCode, detail: string, cause?: unknown): UnauthorizedError {
  return new UnauthorizedError(code, detail, {
    cause,
    headers: { "WWW-Authenticate": `Bearer error="invalid_token", error_description="${detail}"` },
  });
}

export interface AdminTokenVerifierOptions {
  /** jose's refetch cooldown after an unknown `kid` (default 30 s); tests shorten it. */
  jwksCooldownMs?: number;
}

export class AdminTokenVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  private readonly issuer: string;

  constructor(
    private readonly config: Pick<AppConfig, "tenantId" | "adminApi">,
    options: AdminTokenVerifierOptions = {},
  ) {
    const host = config.adminApi.authorityHost;
    this.issuer = `${host}/${config.tenantId}/v2.0`;
    this.jwks = createRemoteJWKSet(new URL(`${host}/${config.tenantId}/discovery/v2.0/keys`), {
      ...(options.jwksCooldownMs !== undefined ? { cooldownDuration: options.jwksCooldownMs } : {}),
      timeoutDuration: 5_000,
    });
  }

  /** The principal of a valid token with the access asked for; throws a coded error otherwise. */
  async verify(token: string | undefined, access: AdminAccess): Promise<AdminPrincipal> {
    if (this.config.adminApi.audiences.length === 0) throw new AdminApiNotConfiguredError();
    if (!token) {
      throw new UnauthorizedError("missing_token", "Send an Entra access token as Authorization: Bearer.", {
        headers: { "WWW-Authenticate": "Bearer" },
      });
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        issuer: this.issuer,
        audience: this.config.adminApi.audiences,
        algorithms: ["RS256"],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ["exp", "iat", "tid", "oid"],
      }));
    } catch (err) {
      throw mapJoseError(err);
    }
    const lifetime = (payload.exp ?? 0) - (payload.iat ?? 0);
    if (lifetime <= 0 || lifetime > MAX_TOKEN_LIFETIME_SECONDS) {
      throw invalidToken("invalid_token", "The token's lifetime is not plausible for an Entra access token.");
    }
    if ((payload.iat ?? 0) > Date.now() / 1000 + CLOCK_TOLERANCE_SECONDS) {
      throw invalidToken("invalid_token", "The token was issued in the future.");
    }
    // jose accepts an aud array when any member is ours. Accept one only when ours is its only
    // member, or when the token was obtained by a client we know: our own app registration
    // (ADMIN_API_CLIENT_ID — the admin console signs in as the API's own client).
    if (Array.isArray(payload.aud)) {
      const ownClient = this.config.adminApi.audiences[0];
      const knownClient = typeof payload.azp === "string" && payload.azp === ownClient;
      if (payload.aud.length !== 1 && !knownClient) {
        throw invalidToken("invalid_audience", "The token is for other audiences besides this API.");
      }
    }
    if (String(payload.tid).toLowerCase() !== this.config.tenantId.toLowerCase()) {
      throw invalidToken("invalid_issuer", "The token was issued for another tenant.");
    }
    const oid = typeof payload.oid === "string" ? payload.oid : "";
    if (!/^[0-9a-f-]{36}$/i.test(oid)) throw invalidToken("invalid_token", "The token has no valid oid.");
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r) => typeof r === "string") : [];
    const allowed = ROLES_FOR[access];
    if (!roles.some((r) => allowed.includes(r))) {
      throw new ForbiddenError(`This operation needs the app role ${allowed.join(" or ")}.`);
    }
    const name = payload.preferred_username ?? payload.name;
    return { oid, roles, name: typeof name === "string" ? name : undefined };
  }
}

function mapJoseError(err: unknown): RecoveryError {
  if (err instanceof joseErrors.JWTExpired)
    return invalidToken("token_expired", "The token has expired.", err);
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === "iss")
      return invalidToken("invalid_issuer", "The token's issuer is not our tenant.", err);
    if (err.claim === "aud") return invalidToken("invalid_audience", "The token is not for this API.", err);
    return invalidToken("invalid_token", `The token's ${err.claim} claim is not acceptable.`, err);
  }
  // The JWKS could not be read (timeout, not 200, not a key set): not the caller's fault.
  const unreadableKeys = new Set(["ERR_JWKS_TIMEOUT", "ERR_JWKS_INVALID", "ERR_JOSE_GENERIC"]);
  if (err instanceof joseErrors.JOSEError && unreadableKeys.has(err.code)) return keysUnavailable(err);
  if (err instanceof joseErrors.JOSEError)
    return invalidToken("invalid_token", "The token is not valid.", err);
  // fetch failed (the authority unreachable).
  return keysUnavailable(err);
}

function keysUnavailable(cause: unknown): DependencyError {
  return new DependencyError(
    "identity_provider_unavailable",
    "The tenant's signing keys could not be read",
    true,
    {
      cause,
    },
  );
}

let verifier: AdminTokenVerifier | undefined;

function defaultVerifier(config: AppConfig): AdminTokenVerifier {
  verifier ??= new AdminTokenVerifier(config);
  return verifier;
}

export type AdminRouteHandler = (
  request: HttpRequest,
  principal: AdminPrincipal,
  context: InvocationContext,
) => Promise<HttpResponseInit>;

/**
 * Every admin route goes through here: the token is checked before the handler runs, and
 * the handler's errors become problem+json like every other route's.
 */
export function adminHandler(access: AdminAccess, handler: AdminRouteHandler) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> =>
    respond(context, async () => {
      const principal = await defaultVerifier(getConfig()).verify(bearerToken(request), access);
      return handler(request, principal, context);
    });
}
