/**
 * JSON shapes Graph returns for users, authentication methods and the TAP policy, including
 * the defaults that catch mistakes: without `$select` a user has only Graph's default
 * properties (no accountEnabled, no signInActivity), and an unknown `$select` property is a
 * 400 just as in production.
 */
import { badRequest } from "./errors";
import { METHOD_ODATA_TYPE, type MethodSeed } from "./model";
import type { Tenant, UserRecord } from "./tenant";

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const GRAPH_ORIGIN = "https://graph.microsoft.com";

/** What `GET /users/{id}` returns when no `$select` is given (v1.0). */
const DEFAULT_USER_PROPERTIES = [
  "businessPhones",
  "displayName",
  "givenName",
  "jobTitle",
  "mail",
  "mobilePhone",
  "officeLocation",
  "preferredLanguage",
  "surname",
  "userPrincipalName",
  "id",
];

/** Real user properties the simulator does not model: selectable, always null. */
const NULL_USER_PROPERTIES = [
  "ageGroup",
  "city",
  "companyName",
  "consentProvidedForMinor",
  "country",
  "creationType",
  "employeeHireDate",
  "employeeLeaveDateTime",
  "employeeType",
  "externalUserState",
  "faxNumber",
  "lastPasswordChangeDateTime",
  "legalAgeGroupClassification",
  "mailNickname",
  "officeLocation",
  "onPremisesDistinguishedName",
  "onPremisesDomainName",
  "onPremisesImmutableId",
  "onPremisesLastSyncDateTime",
  "onPremisesSamAccountName",
  "onPremisesSecurityIdentifier",
  "onPremisesSyncEnabled",
  "onPremisesUserPrincipalName",
  "passwordPolicies",
  "postalCode",
  "preferredDataLocation",
  "preferredLanguage",
  "securityIdentifier",
  "showInAddressList",
  "state",
  "streetAddress",
  "usageLocation",
];

type UserPropertyReader = (user: UserRecord, tenant: Tenant) => Json;

const USER_PROPERTIES: Record<string, UserPropertyReader> = {
  id: (u) => u.seed.id,
  userPrincipalName: (u) => u.seed.userPrincipalName,
  mail: (u) => u.seed.mail ?? null,
  otherMails: (u) => u.seed.otherMails ?? [],
  givenName: (u) => u.seed.givenName ?? null,
  surname: (u) => u.seed.surname ?? null,
  displayName: (u) => u.seed.displayName,
  accountEnabled: (u) => u.seed.accountEnabled,
  jobTitle: (u) => u.seed.jobTitle ?? null,
  department: (u) => u.seed.department ?? null,
  employeeId: (u) => u.seed.employeeId ?? null,
  preferredLanguage: (u) => u.seed.preferredLanguage ?? null,
  createdDateTime: (u) => u.seed.createdDateTime ?? null,
  businessPhones: () => [],
  mobilePhone: () => null,
  imAddresses: () => [],
  proxyAddresses: (u) => (u.seed.mail ? [`SMTP:${u.seed.mail}`] : []),
  userType: () => "Member",
  identities: (u) => [
    {
      signInType: "userPrincipalName",
      issuer: u.seed.userPrincipalName.split("@")[1] ?? "",
      issuerAssignedId: u.seed.userPrincipalName,
    },
  ],
  signInSessionsValidFromDateTime: (u) => u.signInSessionsValidFromDateTime,
  signInActivity: (u) => {
    const success = u.seed.lastSuccessfulSignInDateTime ?? null;
    const last = u.seed.lastSignInDateTime === undefined ? success : u.seed.lastSignInDateTime;
    const nonInteractive = u.seed.lastNonInteractiveSignInDateTime ?? null;
    const requestId = (at: string | null) => (at === null ? null : "00000000-0000-0000-0000-000000000000");
    return {
      lastSignInDateTime: last,
      lastSignInRequestId: requestId(last),
      lastNonInteractiveSignInDateTime: nonInteractive,
      lastNonInteractiveSignInRequestId: requestId(nonInteractive),
      lastSuccessfulSignInDateTime: success,
      lastSuccessfulSignInRequestId: requestId(success),
    };
  },
  onPremisesExtensionAttributes: (u) => {
    const attributes: JsonObject = {};
    for (let i = 1; i <= 15; i++)
      attributes[`extensionAttribute${i}`] = u.seed.extensionAttributes?.[`extensionAttribute${i}`] ?? null;
    return attributes;
  },
};
for (const name of NULL_USER_PROPERTIES) USER_PROPERTIES[name] ??= () => null;

const CANONICAL_USER_PROPERTY = new Map(Object.keys(USER_PROPERTIES).map((k) => [k.toLowerCase(), k]));

/** Parses `$select`; property names are matched case-insensitively as Graph does. */
export function parseUserSelect(select: string | null): string[] | undefined {
  if (select === null) return undefined;
  const names = select
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (names.length === 0) return undefined;
  return names.map((name) => {
    const canonical = CANONICAL_USER_PROPERTY.get(name.toLowerCase());
    if (!canonical)
      throw badRequest(`Could not find a property named '${name}' on type 'microsoft.graph.user'.`);
    return canonical;
  });
}

/** For `$filter` evaluation. */
export function readUserProperty(user: UserRecord, tenant: Tenant, name: string): Json | undefined {
  return USER_PROPERTIES[name]?.(user, tenant);
}

export function renderUser(user: UserRecord, tenant: Tenant, select: string[] | undefined): JsonObject {
  const out: JsonObject = {};
  for (const name of select ?? DEFAULT_USER_PROPERTIES) out[name] = USER_PROPERTIES[name]!(user, tenant);
  return out;
}

export function contextUrl(version: string, fragment: string): string {
  return `${GRAPH_ORIGIN}/${version}/$metadata#${fragment}`;
}

/**
 * One authentication method as Graph renders it. `withType`: items of /methods (a collection
 * of the base type) carry `@odata.type`; items of a typed collection (/phoneMethods) do not.
 */
export function renderMethod(method: MethodSeed, tenant: Tenant, withType: boolean): JsonObject {
  const head: JsonObject = withType ? { "@odata.type": METHOD_ODATA_TYPE[method.type] } : {};
  const created = method.createdDateTime ?? null;
  switch (method.type) {
    case "password":
      return { ...head, id: method.id, password: null, createdDateTime: created };
    case "phone":
      return {
        ...head,
        id: method.id,
        phoneNumber: method.phoneNumber,
        phoneType: method.phoneType,
        smsSignInState:
          method.smsSignInState ?? (method.phoneType === "mobile" ? "notEnabled" : "notSupported"),
      };
    case "email":
      return { ...head, id: method.id, emailAddress: method.emailAddress };
    case "microsoftAuthenticator":
      return {
        ...head,
        id: method.id,
        displayName: method.displayName,
        deviceTag: method.deviceTag,
        phoneAppVersion: method.phoneAppVersion,
        createdDateTime: created,
      };
    case "fido2":
      return {
        ...head,
        id: method.id,
        displayName: method.displayName,
        createdDateTime: created,
        aaGuid: method.aaGuid,
        model: method.model,
        attestationCertificates: [],
        attestationLevel: "attested",
      };
    case "softwareOath":
      return { ...head, id: method.id, secretKey: null };
    case "windowsHelloForBusiness":
      return {
        ...head,
        id: method.id,
        displayName: method.displayName,
        createdDateTime: created,
        keyStrength: "normal",
      };
    case "platformCredential":
      return {
        ...head,
        id: method.id,
        displayName: method.displayName,
        createdDateTime: created,
        keyStrength: "normal",
        platform: method.platform,
      };
    case "external":
      return {
        ...head,
        id: method.id,
        createdDateTime: created,
        displayName: method.displayName,
        configurationId: method.configurationId,
      };
    case "qrCodePin":
      return { ...head, id: method.id, createdDateTime: created };
    case "temporaryAccessPass": {
      const usability = tenant.tapUsability(method);
      return {
        ...head,
        id: method.id,
        // Graph shows the pass only in the creation response.
        temporaryAccessPass: null,
        createdDateTime: created,
        startDateTime: method.startDateTime,
        lifetimeInMinutes: method.lifetimeInMinutes,
        isUsableOnce: method.isUsableOnce,
        isUsable: usability.isUsable,
        methodUsabilityReason: usability.methodUsabilityReason,
      };
    }
  }
}

export function renderTapPolicy(tenant: Tenant, version: string): JsonObject {
  const p = tenant.tapPolicy;
  return {
    "@odata.context": contextUrl(
      version,
      "policies/authenticationMethodsPolicy/authenticationMethodConfigurations/$entity",
    ),
    "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration",
    id: "TemporaryAccessPass",
    state: p.state,
    defaultLifetimeInMinutes: p.defaultLifetimeInMinutes,
    defaultLength: p.defaultLength,
    minimumLifetimeInMinutes: p.minimumLifetimeInMinutes,
    maximumLifetimeInMinutes: p.maximumLifetimeInMinutes,
    isUsableOnce: p.isUsableOnce,
    excludeTargets: p.excludeTargets.map((t) => ({ id: t.id, targetType: "group" })),
    includeTargets: p.includeTargets.map((t) => ({
      targetType: "group",
      id: t.id,
      isRegistrationRequired: t.isRegistrationRequired ?? false,
    })),
  };
}
