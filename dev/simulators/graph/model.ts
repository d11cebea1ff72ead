/**
 * Seed model of the Graph simulator: the directory (users, groups), each user's registered
 * authentication methods and the Temporary Access Pass policy. A seed is plain data so a test
 * can build a tenant in a few lines; the simulator copies it and never mutates the caller's
 * object. Method ids that Entra fixes for every user (password, email, each phone type) are
 * exported so seeds and assertions use the same constants Graph does.
 */

export interface TenantSeed {
  tenantId: string;
  users: UserSeed[];
  groups: GroupSeed[];
  tapPolicy: TapPolicySeed;
  /** Addresses of shared mailboxes that may send mail (POST /users/{address}/sendMail), besides users. */
  mailboxes?: string[];
  /** GET /identity/conditionalAccess/policies (what the preflight diagnostics read). */
  conditionalAccessPolicies?: ConditionalAccessPolicySeed[];
  /** GET /roleManagement/directory/roleAssignments: directory roles held by users or groups. */
  roleAssignments?: RoleAssignmentSeed[];
}

/**
 * A Conditional Access policy in Graph's shape (conditionalAccessPolicy), reduced to what the
 * diagnostics read; unset parts render as Graph renders them (empty lists, null).
 */
export interface ConditionalAccessPolicySeed {
  id: string;
  displayName: string;
  state: "enabled" | "disabled" | "enabledForReportingButNotEnforced";
  users: {
    includeUsers?: string[];
    excludeUsers?: string[];
    includeGroups?: string[];
    excludeGroups?: string[];
    includeRoles?: string[];
    excludeRoles?: string[];
  };
  applications: {
    includeApplications?: string[];
    excludeApplications?: string[];
    /** e.g. "urn:user:registersecurityinfo". */
    includeUserActions?: string[];
  };
  clientAppTypes?: string[];
  locations?: { includeLocations: string[]; excludeLocations: string[] } | null;
  platforms?: { includePlatforms: string[]; excludePlatforms: string[] } | null;
  signInRiskLevels?: string[];
  userRiskLevels?: string[];
  grantControls: {
    operator: "AND" | "OR";
    builtInControls: string[];
    termsOfUse?: string[];
    customAuthenticationFactors?: string[];
    authenticationStrength?: { id: string; displayName: string; allowedCombinations: string[] } | null;
  } | null;
}

/** A directory role assignment (unifiedRoleAssignment) at tenant scope. */
export interface RoleAssignmentSeed {
  id: string;
  /** The role's template id, e.g. 62e90394-69f5-4237-9190-012177145e10 (Global Administrator). */
  roleDefinitionId: string;
  /** A user or a (role-assignable) group. */
  principalId: string;
  directoryScopeId?: string;
}

export interface UserSeed {
  id: string;
  userPrincipalName: string;
  mail?: string | null;
  otherMails?: string[];
  givenName?: string | null;
  surname?: string | null;
  displayName: string;
  accountEnabled: boolean;
  jobTitle?: string | null;
  department?: string | null;
  employeeId?: string | null;
  /** The user's language for mail and Office (`de-DE`); null or omitted: none set. */
  preferredLanguage?: string | null;
  createdDateTime?: string;
  /** null or omitted: the user never signed in (signInActivity fields are null). */
  lastSuccessfulSignInDateTime?: string | null;
  /** Defaults to lastSuccessfulSignInDateTime (a failed attempt can be later than the last success). */
  lastSignInDateTime?: string | null;
  lastNonInteractiveSignInDateTime?: string | null;
  /** Direct group ids; membership is resolved transitively through GroupSeed.memberOf. */
  memberOf: string[];
  methods: MethodSeed[];
  /** The method Entra treats as the user's default for MFA; it cannot be deleted while others exist. */
  defaultMfaMethodId?: string;
  /** The user's manager (GET /users/{id}/manager); omitted: none. */
  managerId?: string;
  /** Keys extensionAttribute1 … extensionAttribute15 (onPremisesExtensionAttributes). */
  extensionAttributes?: Record<string, string>;
}

export interface GroupSeed {
  id: string;
  displayName: string;
  /** Groups this group is a direct member of (nesting). */
  memberOf?: string[];
  /** Defaults to true; getMemberGroups(securityEnabledOnly: true) skips the others. */
  securityEnabled?: boolean;
}

export interface TapPolicySeed {
  state: "enabled" | "disabled";
  defaultLifetimeInMinutes: number;
  defaultLength: number;
  minimumLifetimeInMinutes: number;
  maximumLifetimeInMinutes: number;
  isUsableOnce: boolean;
  /** Group ids; the id "all_users" targets everyone. */
  includeTargets: { id: string; isRegistrationRequired?: boolean }[];
  excludeTargets: { id: string }[];
}

/** The target id Entra uses for "All users" in authentication method policies. */
export const ALL_USERS_TARGET = "all_users";

/** Ids Entra uses for the same method on every user. */
export const WELL_KNOWN_METHOD_IDS = {
  password: "28c10230-6103-485e-b985-444c60001490",
  email: "3ddfcfc8-9383-446f-83cc-3ab9be4be18f",
  mobile: "3179e48a-750b-4051-897c-87b9720928f7",
  alternateMobile: "b6332ec1-7057-4abe-9331-3d72feddfe41",
  office: "e37fc753-ff3b-4958-9484-eaa9425c82bc",
} as const;

interface MethodSeedBase {
  id: string;
  createdDateTime?: string | null;
}

export interface PasswordMethodSeed extends MethodSeedBase {
  type: "password";
}
export interface PhoneMethodSeed extends MethodSeedBase {
  type: "phone";
  /** Graph's format: "+1 4255550100" (country code, space, number). */
  phoneNumber: string;
  phoneType: "mobile" | "alternateMobile" | "office";
  smsSignInState?:
    | "notSupported"
    | "notAllowedByPolicy"
    | "notEnabled"
    | "phoneNumberNotUnique"
    | "ready"
    | "notConfigured";
}
export interface EmailMethodSeed extends MethodSeedBase {
  type: "email";
  emailAddress: string;
}
export interface AuthenticatorMethodSeed extends MethodSeedBase {
  type: "microsoftAuthenticator";
  displayName: string;
  deviceTag: string;
  phoneAppVersion: string;
}
export interface Fido2MethodSeed extends MethodSeedBase {
  type: "fido2";
  displayName: string;
  aaGuid: string;
  model: string;
}
export interface SoftwareOathMethodSeed extends MethodSeedBase {
  type: "softwareOath";
}
export interface WindowsHelloMethodSeed extends MethodSeedBase {
  type: "windowsHelloForBusiness";
  displayName: string;
}
export interface PlatformCredentialMethodSeed extends MethodSeedBase {
  type: "platformCredential";
  displayName: string;
  platform: "macOS" | "iOS" | "windows" | "android" | "linux" | "unknown";
}
/** An external (EAM) method: a third-party MFA provider registered for the user (v1.0 collection externalAuthenticationMethods). */
export interface ExternalMethodSeed extends MethodSeedBase {
  type: "external";
  displayName: string;
  /** The id of the external authentication method configuration in the tenant's policy. */
  configurationId: string;
}
/**
 * A QR code + PIN method: v1.0 knows the type (it appears in /methods) but has no collection
 * to delete it through (docs/facts.md §14), so a v1.0 client cannot remove it.
 */
export interface QrCodePinMethodSeed extends MethodSeedBase {
  type: "qrCodePin";
}
export interface TemporaryAccessPassMethodSeed extends MethodSeedBase {
  type: "temporaryAccessPass";
  startDateTime: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
  /** Seeded passes are not known in plaintext unless given. */
  temporaryAccessPass?: string;
}

export type MethodSeed =
  | PasswordMethodSeed
  | PhoneMethodSeed
  | EmailMethodSeed
  | AuthenticatorMethodSeed
  | Fido2MethodSeed
  | SoftwareOathMethodSeed
  | WindowsHelloMethodSeed
  | PlatformCredentialMethodSeed
  | ExternalMethodSeed
  | QrCodePinMethodSeed
  | TemporaryAccessPassMethodSeed;

export type MethodType = MethodSeed["type"];

/** Graph's `@odata.type` for each method kind (docs/facts.md §13). */
export const METHOD_ODATA_TYPE: Readonly<Record<MethodType, string>> = {
  password: "#microsoft.graph.passwordAuthenticationMethod",
  phone: "#microsoft.graph.phoneAuthenticationMethod",
  email: "#microsoft.graph.emailAuthenticationMethod",
  microsoftAuthenticator: "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
  fido2: "#microsoft.graph.fido2AuthenticationMethod",
  softwareOath: "#microsoft.graph.softwareOathAuthenticationMethod",
  windowsHelloForBusiness: "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod",
  platformCredential: "#microsoft.graph.platformCredentialAuthenticationMethod",
  external: "#microsoft.graph.externalAuthenticationMethod",
  qrCodePin: "#microsoft.graph.qrCodePinAuthenticationMethod",
  temporaryAccessPass: "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
};

/**
 * The per-type navigation collection under /users/{id}/authentication/ in v1.0
 * (msgraph-metadata schemas/v1.0-Prod.csdl, EntityType `authentication`). qrCodePin has none.
 */
export const METHOD_COLLECTION: Readonly<Record<Exclude<MethodType, "qrCodePin">, string>> = {
  password: "passwordMethods",
  phone: "phoneMethods",
  email: "emailMethods",
  microsoftAuthenticator: "microsoftAuthenticatorMethods",
  fido2: "fido2Methods",
  softwareOath: "softwareOathMethods",
  windowsHelloForBusiness: "windowsHelloForBusinessMethods",
  platformCredential: "platformCredentialMethods",
  external: "externalAuthenticationMethods",
  temporaryAccessPass: "temporaryAccessPassMethods",
};

/** A Temporary Access Pass as the simulator issued it, plaintext included (for test assertions only). */
export interface IssuedTemporaryAccessPass {
  id: string;
  temporaryAccessPass: string;
  createdDateTime: string;
  startDateTime: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
  /** false once replaced by a newer pass or deleted. */
  active: boolean;
}

export interface Revocations {
  count: number;
  timestamps: string[];
}

/** A message accepted by POST /users/{id}/sendMail, as the simulator recorded it. */
export interface SentMail {
  time: string;
  /** The mailbox in the URL, as given. */
  from: string;
  subject: string;
  contentType: "text" | "html";
  content: string;
  toRecipients: string[];
  ccRecipients: string[];
  bccRecipients: string[];
  saveToSentItems: boolean;
}
