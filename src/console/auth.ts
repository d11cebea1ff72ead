/**
 * Sign-in with Entra through @azure/msal-browser: authorization code with PKCE, redirect flow
 * (the console's Cross-Origin-Opener-Policy rules out popups), tokens for the admin API's
 * audience (`{clientId}/.default`), cached in sessionStorage (gone with the tab). The app
 * roles come from the ID token's `roles` claim, as Entra puts them there for an app with app
 * roles; they only shape the UI: the API checks the access token's roles on every call.
 */
import {
  type AccountInfo,
  AuthError,
  BrowserCacheLocation,
  CacheLookupPolicy,
  InteractionRequiredAuthError,
  PublicClientApplication,
} from "@azure/msal-browser";

export interface ConsoleConfig {
  configured: boolean;
  clientId?: string;
  authority?: string;
  knownAuthorities?: string[];
  scopes?: string[];
}

export const ADMIN_ROLE = "Recovery.Admin";
export const READER_ROLE = "Recovery.Reader";
export const HELPDESK_ROLE = "Recovery.Helpdesk";

export interface SignedIn {
  account: AccountInfo;
  name: string;
  roles: string[];
  /** Recovery.Admin: may change things. */
  canWrite: boolean;
  /** Recovery.Admin or Recovery.Reader: may read. */
  canRead: boolean;
  /** Recovery.Helpdesk: may verify callers (and only that: it is not a reading role). */
  isHelpdesk: boolean;
  /** The object id (`oid` of the ID token): the agent's own verifications are listed by it. */
  oid: string;
}

/** The access token could not be renewed without the person (expired session, revoked refresh token). */
export class SessionExpiredError extends Error {
  override readonly name = "SessionExpiredError";
}

export class Auth {
  private constructor(
    private readonly msal: PublicClientApplication,
    private readonly scopes: string[],
  ) {}

  /** Sets msal up and finishes a sign-in that just came back; `returnTo` is the hash route it started from. */
  static async start(config: Required<ConsoleConfig>): Promise<{ auth: Auth; returnTo: string | undefined }> {
    const redirectUri = `${location.origin}/admin`;
    const msal = new PublicClientApplication({
      auth: {
        clientId: config.clientId,
        authority: config.authority,
        knownAuthorities: config.knownAuthorities,
        redirectUri,
        postLogoutRedirectUri: redirectUri,
      },
      cache: { cacheLocation: BrowserCacheLocation.SessionStorage },
    });
    await msal.initialize();
    const result = await msal.handleRedirectPromise();
    if (result?.account) msal.setActiveAccount(result.account);
    const returnTo = result?.state && /^#\/[\w/-]*$/.test(result.state) ? result.state : undefined;
    return { auth: new Auth(msal, config.scopes), returnTo };
  }

  signedIn(): SignedIn | undefined {
    const account = this.msal.getActiveAccount() ?? this.msal.getAllAccounts()[0];
    if (!account) return undefined;
    this.msal.setActiveAccount(account);
    const claims = account.idTokenClaims ?? {};
    const roles = Array.isArray(claims.roles)
      ? claims.roles.filter((r): r is string => typeof r === "string")
      : [];
    return {
      account,
      name: account.name ?? account.username,
      roles,
      canWrite: roles.includes(ADMIN_ROLE),
      canRead: roles.includes(ADMIN_ROLE) || roles.includes(READER_ROLE),
      isHelpdesk: roles.includes(HELPDESK_ROLE),
      oid: typeof claims.oid === "string" ? claims.oid : account.localAccountId,
    };
  }

  signIn(returnTo: string): Promise<void> {
    return this.msal.loginRedirect({ scopes: this.scopes, state: returnTo, prompt: "select_account" });
  }

  async signOut(): Promise<void> {
    const account = this.msal.getActiveAccount();
    await this.msal.logoutRedirect(account ? { account } : {});
  }

  /** An access token for the admin API: from the cache, else renewed silently; SessionExpiredError when the person is needed. */
  async accessToken(): Promise<string> {
    const account = this.msal.getActiveAccount();
    if (!account) throw new SessionExpiredError("not signed in");
    try {
      // The cache, then the refresh token, never a hidden frame: the console's CSP allows no
      // framing of the authority, and a person whose refresh token is gone signs in again.
      const result = await this.msal.acquireTokenSilent({
        scopes: this.scopes,
        account,
        cacheLookupPolicy: CacheLookupPolicy.AccessTokenAndRefreshToken,
      });
      return result.accessToken;
    } catch (err) {
      // A refresh token the authority refuses (invalid_grant) needs the person too.
      if (
        err instanceof InteractionRequiredAuthError ||
        (err instanceof AuthError && err.errorCode === "invalid_grant")
      )
        throw new SessionExpiredError(err.message);
      throw err;
    }
  }

  /** Drops cached tokens so the next call renews them (after the API refused one: 401). */
  async forgetTokens(): Promise<void> {
    await this.msal.clearCache();
  }
}
