/** What the helpdesk verification tests share. */
import { demoPolicy } from "../../dev/seed/demo-policy";

/** The demo production policy with `helpdesk.allowRecoveryAfterVerification` on every profile. */
export function policyAllowingRecoveryAfterVerification() {
  const policy = demoPolicy("production");
  return {
    ...policy,
    profiles: policy.profiles.map((p) => ({ ...p, helpdesk: { allowRecoveryAfterVerification: true } })),
  };
}
