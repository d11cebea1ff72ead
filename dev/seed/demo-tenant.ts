/**
 * The demo tenant (contoso.example) used by `npm start`, manual testing and the app's tests.
 * Each user stands for one recovery scenario (happy path, nested scope, out of scope,
 * disabled, never signed in, namesakes, executive, blank names, not covered by the TAP
 * policy, accented compound names); ids are fixed so logs and assertions stay readable.
 * Method ids are derived from the user and method kind, so they are stable too.
 */
import { createHash } from "node:crypto";
import {
  type MethodSeed,
  type TenantSeed,
  type UserSeed,
  WELL_KNOWN_METHOD_IDS,
} from "../simulators/graph/model";

export const DEMO_TENANT_ID = "6419b49f-dbea-4de2-b118-b27943f6f106";
export const DEMO_DOMAIN = "contoso.example";
/** The shared mailbox recovery notices come from, and the admin address they go to. */
export const DEMO_NOTICE_SENDER = `recovery-noreply@${DEMO_DOMAIN}`;
export const DEMO_ADMIN_ADDRESS = `identity-admins@${DEMO_DOMAIN}`;

export const DEMO_GROUPS = {
  /** The recovery scope group. */
  recoveryPilot: "ae004daf-d42a-4c2b-8d12-148f65c9dd87",
  /** Member of Recovery Pilot: its members are in scope only transitively. */
  recoveryPilotNestedTeam: "36b9deea-3f00-4e41-8889-4ae36ccd8a43",
  /** To be put on the recovery exclusion list (Microsoft's advice for executive accounts). */
  executives: "32b22f8d-fe40-485e-88f6-607a2f2adc90",
  /** The TAP policy's include target. */
  allStaff: "338f3272-3298-45ba-b6ca-085812772bbb",
} as const;

export const DEMO_USERS = {
  adeleVance: { id: "67008e0a-ffab-4df3-8aea-ccc9381e0b72", userPrincipalName: `adele.vance@${DEMO_DOMAIN}` },
  meganBowen: { id: "9b3d10ef-45d5-4820-8a62-fee7fe4f92af", userPrincipalName: `megan.bowen@${DEMO_DOMAIN}` },
  alexWilber: { id: "f919b863-ba35-4381-973e-75456f65d83c", userPrincipalName: `alex.wilber@${DEMO_DOMAIN}` },
  disabledUser: {
    id: "7af83b1d-8d79-42a8-adc4-18e53a373439",
    userPrincipalName: `disabled.user@${DEMO_DOMAIN}`,
  },
  newHire: { id: "933f66c7-f9fe-4ecc-919c-fa05a50b5d18", userPrincipalName: `new.hire@${DEMO_DOMAIN}` },
  nestorWilke: {
    id: "96839063-cce3-4922-956d-414200b944aa",
    userPrincipalName: `nestor.wilke@${DEMO_DOMAIN}`,
  },
  nestorWilke2: {
    id: "17483221-5fae-492b-9669-fb60a21260c3",
    userPrincipalName: `nestor.wilke2@${DEMO_DOMAIN}`,
  },
  leeGu: { id: "74ab3840-ad24-4e4a-b0de-6b5d9d4258b4", userPrincipalName: `lee.gu@${DEMO_DOMAIN}` },
  nonameUser: { id: "440c94a1-9e25-42ac-a9df-6ee757c376d9", userPrincipalName: `noname.user@${DEMO_DOMAIN}` },
  tapExcluded: {
    id: "46f34819-caaa-4d0f-a37e-2242db92bbd3",
    userPrincipalName: `tap.excluded@${DEMO_DOMAIN}`,
  },
  mariaGarcia: {
    id: "34aa9793-4e7d-4e3a-b1c1-893eb1c718e7",
    userPrincipalName: `maria.garcia@${DEMO_DOMAIN}`,
  },
} as const;

export type DemoUserKey = keyof typeof DEMO_USERS;

/** A stable GUID-shaped id from a name (not a real UUIDv5; only stability matters here). */
function stableId(name: string): string {
  const h = createHash("sha256").update(`demo-tenant:${name}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

interface MethodPlan {
  created: string;
  authenticator?: string;
  fido2?: { displayName: string; aaGuid: string; model: string }[];
  mobile?: string;
  alternateMobile?: string;
  office?: string;
  email?: string;
  softwareOath?: boolean;
  windowsHello?: string;
  platformCredential?: string;
  /** An external (EAM) MFA provider's display name. */
  external?: string;
  /** A QR code + PIN method (Graph v1.0 lists it but cannot delete it). */
  qrCodePin?: boolean;
}

const YUBIKEY_5_NFC = {
  displayName: "YubiKey 5 NFC",
  aaGuid: "cb69481e-8ff7-4039-93ec-0a2729a154a8",
  model: "YubiKey 5 Series",
};
const YUBIKEY_5C_NFC = {
  displayName: "YubiKey 5C NFC",
  aaGuid: "ee882879-721c-4913-9775-3dfcce97072a",
  model: "YubiKey 5 Series",
};

function methods(key: DemoUserKey, plan: MethodPlan): MethodSeed[] {
  const created = plan.created;
  const list: MethodSeed[] = [
    { type: "password", id: WELL_KNOWN_METHOD_IDS.password, createdDateTime: created },
  ];
  if (plan.authenticator) {
    list.push({
      type: "microsoftAuthenticator",
      id: stableId(`${key}:authenticator`),
      displayName: plan.authenticator,
      deviceTag: "SoftwareTokenActivated",
      phoneAppVersion: "6.2409.6094",
      createdDateTime: created,
    });
  }
  for (const [i, key2] of (plan.fido2 ?? []).entries()) {
    list.push({ type: "fido2", id: stableId(`${key}:fido2:${i}`), ...key2, createdDateTime: created });
  }
  if (plan.mobile) {
    list.push({
      type: "phone",
      id: WELL_KNOWN_METHOD_IDS.mobile,
      phoneNumber: plan.mobile,
      phoneType: "mobile",
      smsSignInState: "ready",
    });
  }
  if (plan.alternateMobile) {
    list.push({
      type: "phone",
      id: WELL_KNOWN_METHOD_IDS.alternateMobile,
      phoneNumber: plan.alternateMobile,
      phoneType: "alternateMobile",
      smsSignInState: "notSupported",
    });
  }
  if (plan.office) {
    list.push({
      type: "phone",
      id: WELL_KNOWN_METHOD_IDS.office,
      phoneNumber: plan.office,
      phoneType: "office",
      smsSignInState: "notSupported",
    });
  }
  if (plan.email) list.push({ type: "email", id: WELL_KNOWN_METHOD_IDS.email, emailAddress: plan.email });
  if (plan.softwareOath) list.push({ type: "softwareOath", id: stableId(`${key}:oath`) });
  if (plan.windowsHello) {
    list.push({
      type: "windowsHelloForBusiness",
      id: stableId(`${key}:whfb`),
      displayName: plan.windowsHello,
      createdDateTime: created,
    });
  }
  if (plan.platformCredential) {
    list.push({
      type: "platformCredential",
      id: stableId(`${key}:platform`),
      displayName: plan.platformCredential,
      platform: "macOS",
      createdDateTime: created,
    });
  }
  if (plan.external) {
    list.push({
      type: "external",
      id: stableId(`${key}:external`),
      displayName: plan.external,
      configurationId: stableId("external-mfa-configuration"),
      createdDateTime: created,
    });
  }
  if (plan.qrCodePin)
    list.push({ type: "qrCodePin", id: stableId(`${key}:qrpin`), createdDateTime: created });
  return list;
}

interface DemoUser {
  key: DemoUserKey;
  givenName: string | null;
  surname: string | null;
  displayName: string;
  accountEnabled?: boolean;
  lastSuccessfulSignInDateTime: string | null;
  memberOf: string[];
  jobTitle: string;
  department: string;
  employeeId: string;
  methods: MethodPlan;
}

const { recoveryPilot, recoveryPilotNestedTeam, executives, allStaff } = DEMO_GROUPS;

const USERS: DemoUser[] = [
  {
    // The happy path: in scope, signed in before, full set of methods.
    key: "adeleVance",
    givenName: "Adele",
    surname: "Vance",
    displayName: "Adele Vance",
    lastSuccessfulSignInDateTime: "2025-05-02T08:31:12Z",
    memberOf: [recoveryPilot, allStaff],
    jobTitle: "Retail Manager",
    department: "Retail",
    employeeId: "100101",
    methods: {
      created: "2023-09-12T10:04:51Z",
      authenticator: "iPhone 15",
      fido2: [YUBIKEY_5_NFC],
      mobile: "+1 4255550101",
      alternateMobile: "+1 4255550102",
      email: "adele.vance.home@example.net",
      softwareOath: true,
      windowsHello: "ADELE-LT01",
      platformCredential: "Adele's MacBook Pro",
      external: "Contoso partner MFA",
    },
  },
  {
    // In scope only through the nested team group.
    key: "meganBowen",
    givenName: "Megan",
    surname: "Bowen",
    displayName: "Megan Bowen",
    lastSuccessfulSignInDateTime: "2025-04-28T16:02:40Z",
    memberOf: [recoveryPilotNestedTeam, allStaff],
    jobTitle: "Marketing Manager",
    department: "Marketing",
    employeeId: "100102",
    methods: {
      created: "2024-01-08T13:22:10Z",
      authenticator: "Pixel 8",
      mobile: "+1 4255550111",
      alternateMobile: "+1 4255550112",
      email: "megan.b@example.org",
      windowsHello: "MEGAN-DT02",
      qrCodePin: true,
    },
  },
  {
    // Not in any pilot group: recovery must not be offered.
    key: "alexWilber",
    givenName: "Alex",
    surname: "Wilber",
    displayName: "Alex Wilber",
    lastSuccessfulSignInDateTime: "2025-05-01T07:45:03Z",
    memberOf: [allStaff],
    jobTitle: "Marketing Assistant",
    department: "Marketing",
    employeeId: "100103",
    methods: {
      created: "2022-11-30T09:00:00Z",
      authenticator: "Galaxy S23",
      mobile: "+1 4255550121",
      email: "alex.wilber@example.net",
      softwareOath: true,
    },
  },
  {
    // In scope but the account is disabled.
    key: "disabledUser",
    givenName: "Diego",
    surname: "Siciliani",
    displayName: "Diego Siciliani",
    accountEnabled: false,
    lastSuccessfulSignInDateTime: "2024-12-19T11:10:55Z",
    memberOf: [recoveryPilot, allStaff],
    jobTitle: "HR Manager",
    department: "Human Resources",
    employeeId: "100104",
    methods: {
      created: "2022-06-14T08:30:00Z",
      authenticator: "iPhone 12",
      fido2: [YUBIKEY_5C_NFC],
      mobile: "+1 4255550131",
      alternateMobile: "+1 4255550132",
    },
  },
  {
    // In scope but never signed in: not yet eligible.
    key: "newHire",
    givenName: "Lidia",
    surname: "Holloway",
    displayName: "Lidia Holloway",
    lastSuccessfulSignInDateTime: null,
    memberOf: [recoveryPilot, allStaff],
    jobTitle: "Product Manager",
    department: "Engineering",
    employeeId: "100105",
    methods: {
      created: "2025-05-05T07:00:00Z",
      mobile: "+1 4255550141",
      email: "lidia.holloway@example.org",
    },
  },
  {
    // Namesake pair with nestorWilke2: name matching alone cannot tell them apart.
    key: "nestorWilke",
    givenName: "Nestor",
    surname: "Wilke",
    displayName: "Nestor Wilke",
    lastSuccessfulSignInDateTime: "2025-04-30T12:00:21Z",
    memberOf: [recoveryPilot, allStaff],
    jobTitle: "Director",
    department: "Operations",
    employeeId: "100106",
    methods: {
      created: "2023-02-20T15:45:00Z",
      authenticator: "iPhone 14",
      fido2: [YUBIKEY_5_NFC],
      mobile: "+1 4255550151",
      alternateMobile: "+1 4255550152",
      email: "nestor.wilke@example.com",
      softwareOath: true,
      windowsHello: "NESTOR-LT03",
    },
  },
  {
    key: "nestorWilke2",
    givenName: "Nestor",
    surname: "Wilke",
    displayName: "Nestor Wilke",
    lastSuccessfulSignInDateTime: "2025-04-22T09:13:47Z",
    memberOf: [recoveryPilot, allStaff],
    jobTitle: "Warehouse Associate",
    department: "Logistics",
    employeeId: "100206",
    methods: {
      created: "2024-08-01T06:30:00Z",
      authenticator: "Moto G Power",
      mobile: "+1 4255550161",
      email: "n.wilke@example.org",
    },
  },
  {
    // In scope and an executive: the app's exclusion list must win.
    key: "leeGu",
    givenName: "Lee",
    surname: "Gu",
    displayName: "Lee Gu",
    lastSuccessfulSignInDateTime: "2025-05-02T06:55:00Z",
    memberOf: [recoveryPilot, executives, allStaff],
    jobTitle: "Chief Financial Officer",
    department: "Executive Management",
    employeeId: "100108",
    methods: {
      created: "2023-05-17T10:00:00Z",
      authenticator: "iPhone 15 Pro",
      fido2: [YUBIKEY_5_NFC, YUBIKEY_5C_NFC],
      mobile: "+1 4255550171",
      alternateMobile: "+1 4255550172",
      office: "+1 4255550170",
      email: "lee.gu@example.com",
      softwareOath: true,
      windowsHello: "LEE-SURFACE",
      platformCredential: "Lee's MacBook Air",
    },
  },
  {
    // In scope, but givenName and surname are blank: a name match can never succeed.
    key: "nonameUser",
    givenName: null,
    surname: null,
    displayName: "Pradeep Gupta",
    lastSuccessfulSignInDateTime: "2025-04-15T14:20:00Z",
    memberOf: [recoveryPilot, allStaff],
    jobTitle: "Accountant",
    department: "Finance",
    employeeId: "100109",
    methods: {
      created: "2023-10-02T11:11:11Z",
      mobile: "+1 4255550181",
      email: "pradeep.g@example.net",
      softwareOath: true,
    },
  },
  {
    // In recovery scope but not in the TAP policy's targets: verification works, no TAP.
    key: "tapExcluded",
    givenName: "Johanna",
    surname: "Lorenz",
    displayName: "Johanna Lorenz",
    lastSuccessfulSignInDateTime: "2025-04-29T10:40:00Z",
    memberOf: [recoveryPilot],
    jobTitle: "Contractor",
    department: "Engineering",
    employeeId: "100110",
    methods: {
      created: "2024-03-03T09:09:09Z",
      authenticator: "iPhone 13",
      fido2: [YUBIKEY_5C_NFC],
      mobile: "+1 4255550191",
      alternateMobile: "+1 4255550192",
      email: "johanna.lorenz@example.de",
    },
  },
  {
    // Accented, compound given name and hyphenated surname.
    key: "mariaGarcia",
    givenName: "María José",
    surname: "García-López",
    displayName: "María José García-López",
    lastSuccessfulSignInDateTime: "2025-05-01T18:05:30Z",
    memberOf: [recoveryPilot, allStaff],
    jobTitle: "Legal Counsel",
    department: "Legal",
    employeeId: "100111",
    methods: {
      created: "2023-07-07T07:07:07Z",
      authenticator: "Galaxy A54",
      fido2: [YUBIKEY_5_NFC],
      mobile: "+34 600555101",
      alternateMobile: "+34 600555102",
      email: "mariajose.garcia@example.es",
      softwareOath: true,
      windowsHello: "MARIA-LT05",
    },
  },
];

export function demoTenant(): TenantSeed {
  const users: UserSeed[] = USERS.map((u) => {
    const { id, userPrincipalName } = DEMO_USERS[u.key];
    const seedMethods = methods(u.key, u.methods);
    return {
      id,
      userPrincipalName,
      mail: userPrincipalName,
      givenName: u.givenName,
      surname: u.surname,
      displayName: u.displayName,
      accountEnabled: u.accountEnabled ?? true,
      jobTitle: u.jobTitle,
      department: u.department,
      employeeId: u.employeeId,
      createdDateTime: u.methods.created,
      lastSuccessfulSignInDateTime: u.lastSuccessfulSignInDateTime,
      memberOf: [...u.memberOf],
      methods: seedMethods,
      // The mobile phone is everyone's default MFA method, which fixes the deletion order.
      ...(seedMethods.some((m) => m.id === WELL_KNOWN_METHOD_IDS.mobile)
        ? { defaultMfaMethodId: WELL_KNOWN_METHOD_IDS.mobile }
        : {}),
      extensionAttributes: { extensionAttribute1: u.employeeId, extensionAttribute2: u.department },
      // The personal address registered as the email method is also where recovery notices go.
      ...(u.methods.email ? { otherMails: [u.methods.email] } : {}),
      // Adele reports to Megan, so the manager copy of notices can be shown.
      ...(u.key === "adeleVance" ? { managerId: DEMO_USERS.meganBowen.id } : {}),
    } satisfies UserSeed;
  });

  return {
    tenantId: DEMO_TENANT_ID,
    groups: [
      { id: recoveryPilot, displayName: "Recovery Pilot" },
      { id: recoveryPilotNestedTeam, displayName: "Recovery Pilot - Nested Team", memberOf: [recoveryPilot] },
      { id: executives, displayName: "Executives" },
      { id: allStaff, displayName: "All staff" },
    ],
    users,
    tapPolicy: {
      state: "enabled",
      defaultLifetimeInMinutes: 60,
      defaultLength: 16,
      minimumLifetimeInMinutes: 60,
      maximumLifetimeInMinutes: 480,
      isUsableOnce: true,
      includeTargets: [{ id: allStaff, isRegistrationRequired: false }],
      excludeTargets: [],
    },
    mailboxes: [DEMO_NOTICE_SENDER],
    // What the preflight diagnostics read: Microsoft's template for securing registration (MFA,
    // which a TAP satisfies) and a stricter report-only policy an admin is trying out (it would
    // block registration outside trusted locations: the diagnostics warn about it).
    conditionalAccessPolicies: [
      {
        id: "5f3a9c1e-7d0b-4e2a-9c61-2f8e4b7a1d01",
        displayName: "Securing security info registration",
        state: "enabled",
        users: { includeUsers: ["All"], excludeGroups: [executives] },
        applications: { includeUserActions: ["urn:user:registersecurityinfo"] },
        grantControls: { operator: "OR", builtInControls: ["mfa"] },
      },
      {
        id: "5f3a9c1e-7d0b-4e2a-9c61-2f8e4b7a1d02",
        displayName: "Block registration outside trusted locations (pilot)",
        state: "enabledForReportingButNotEnforced",
        users: { includeGroups: [recoveryPilot] },
        applications: { includeUserActions: ["urn:user:registersecurityinfo"] },
        locations: { includeLocations: ["All"], excludeLocations: ["AllTrusted"] },
        grantControls: { operator: "OR", builtInControls: ["block"] },
      },
    ],
    // The CFO is a Global Administrator: in the pilot group, but globally excluded (Executives).
    roleAssignments: [
      {
        id: "b0c4e7a2-3f19-4d6e-8a55-6c2d9e1f4a01",
        roleDefinitionId: "62e90394-69f5-4237-9190-012177145e10",
        principalId: DEMO_USERS.leeGu.id,
      },
    ],
  };
}
