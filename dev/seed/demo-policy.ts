/**
 * The demo tenant's policy document: one pilot profile scoped to the Recovery Pilot group
 * (transitively, so the nested team is in scope), Executives globally excluded, every
 * country routed to the demo IDV provider.
 */
import { DEMO_GROUPS } from "./demo-tenant";

export function demoPolicy(mode: "evaluation" | "production" = "production") {
  return {
    profiles: [
      {
        id: "pilot",
        displayName: "Recovery pilot",
        priority: 10,
        mode,
        includeGroups: [DEMO_GROUPS.recoveryPilot],
        excludeGroups: [],
        providers: { default: "demo-idv", byCountry: {} },
        nameMatch: "exact",
        faceCheckThreshold: 70,
        idvTimeoutMinutes: 30,
        presentationTimeoutMinutes: 10,
        tapLifetimeMinutes: 60,
        tapUsableOnce: true,
        cooldownMinutes: 1440,
      },
    ],
    globalExclusions: { groups: [DEMO_GROUPS.executives], users: [] },
  };
}
