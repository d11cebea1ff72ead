/**
 * The tenant for fault campaigns and load runs: the demo tenant plus `count` generated users,
 * each with a distinct name (no namesakes), a prior sign-in and a few methods, so every run
 * recovers each user at most once (a recovered user is in cooldown). Users in the
 * evaluation group are covered by an Evaluation-mode profile, the others by the pilot's
 * Production profile.
 */
import { createHash } from "node:crypto";
import { demoPolicy } from "../seed/demo-policy";
import { DEMO_DOMAIN, DEMO_GROUPS, demoTenant } from "../seed/demo-tenant";
import { type TenantSeed, type UserSeed, WELL_KNOWN_METHOD_IDS } from "../simulators/graph/model";

export const CAMPAIGN_EVALUATION_GROUP = "5c1f0a52-8f0e-4a53-9d0c-3b1b2e6a7c11";

export interface CampaignUser {
  id: string;
  userPrincipalName: string;
  givenName: string;
  surname: string;
  evaluation: boolean;
}

function stableId(name: string): string {
  const h = createHash("sha256").update(`campaign:${name}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Letters only, distinct for the first 17,576 users: 0 → "Aaa", 1 → "Aab", … */
function nameSuffix(i: number): string {
  const letters = "abcdefghijklmnopqrstuvwxyz";
  return `${letters[Math.floor(i / 676) % 26]!.toUpperCase()}${letters[Math.floor(i / 26) % 26]}${letters[i % 26]}`;
}

export function campaignUsers(count: number, evaluationShare: number): CampaignUser[] {
  const users: CampaignUser[] = [];
  const everyNth = evaluationShare > 0 ? Math.max(1, Math.round(1 / evaluationShare)) : 0;
  for (let i = 0; i < count; i++) {
    const surname = `Tester${nameSuffix(i)}`;
    users.push({
      id: stableId(`user:${i}`),
      userPrincipalName: `campaign.user${i}@${DEMO_DOMAIN}`,
      givenName: "Campaign",
      surname,
      evaluation: everyNth > 0 && i % everyNth === everyNth - 1,
    });
  }
  return users;
}

export function campaignTenant(users: readonly CampaignUser[]): TenantSeed {
  const tenant = demoTenant();
  tenant.groups.push({ id: CAMPAIGN_EVALUATION_GROUP, displayName: "Recovery evaluation (campaign)" });
  for (const u of users) {
    const seed: UserSeed = {
      id: u.id,
      userPrincipalName: u.userPrincipalName,
      mail: u.userPrincipalName,
      // Where the recovered notice (and its "this wasn't me" link) goes.
      otherMails: [`${u.userPrincipalName.split("@")[0]}@home.example`],
      givenName: u.givenName,
      surname: u.surname,
      displayName: `${u.givenName} ${u.surname}`,
      accountEnabled: true,
      lastSuccessfulSignInDateTime: "2025-05-02T08:31:12Z",
      memberOf: [u.evaluation ? CAMPAIGN_EVALUATION_GROUP : DEMO_GROUPS.recoveryPilot, DEMO_GROUPS.allStaff],
      methods: [
        { type: "password", id: WELL_KNOWN_METHOD_IDS.password, createdDateTime: "2024-01-01T00:00:00Z" },
        {
          type: "microsoftAuthenticator",
          id: stableId(`${u.id}:authenticator`),
          displayName: "Phone",
          deviceTag: "SoftwareTokenActivated",
          phoneAppVersion: "6.2409.6094",
          createdDateTime: "2024-01-01T00:00:00Z",
        },
        {
          type: "phone",
          id: WELL_KNOWN_METHOD_IDS.mobile,
          phoneNumber: "+1 4255550199",
          phoneType: "mobile",
        },
        {
          type: "email",
          id: WELL_KNOWN_METHOD_IDS.email,
          emailAddress: `${u.surname.toLowerCase()}@example.net`,
        },
      ],
      defaultMfaMethodId: WELL_KNOWN_METHOD_IDS.mobile,
    };
    tenant.users.push(seed);
  }
  return tenant;
}

/** The pilot's Production profile plus an Evaluation profile for the campaign's evaluation group. */
/** Rate limits out of the way: the campaign and the 200-recovery load start many recoveries from one address. */
export const UNLIMITED_STARTS = {
  RATE_LIMIT_PER_ADDRESS: "100000",
  RATE_LIMIT_PER_USERNAME: "100000",
  RATE_LIMIT_PER_USERNAME_AND_ADDRESS: "100000",
} as const;

export function campaignPolicy() {
  const policy = demoPolicy("production");
  // Australia goes to AU10TIX, run without webhooks: the return-only cases (returnCases.ts).
  const first = policy.profiles[0]!;
  const pilot = {
    ...first,
    providers: { ...first.providers, byCountry: { ...first.providers.byCountry, AU: "au10tix" } },
  };
  return {
    ...policy,
    profiles: [
      pilot,
      {
        ...pilot,
        id: "campaign-evaluation",
        displayName: "Recovery evaluation (campaign)",
        priority: 20,
        mode: "evaluation" as const,
        includeGroups: [CAMPAIGN_EVALUATION_GROUP],
      },
    ],
  };
}
