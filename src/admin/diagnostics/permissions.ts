/**
 * The Microsoft Graph application permissions the service needs, with what each is for. The
 * same list is granted by infra/modules/entra.bicep and documented in docs/deploy.md (a test
 * keeps the three in step); the `graph_permissions` check compares it with the `roles` claim
 * of the token the app actually gets.
 */
export const GRAPH_PERMISSIONS = [
  { name: "UserAuthenticationMethod.ReadWrite.All", purpose: "delete methods, create the TAP" },
  { name: "User.Read.All", purpose: "find the account, its names, namesakes" },
  { name: "GroupMember.Read.All", purpose: "profile scope (checkMemberGroups, group members)" },
  { name: "AuditLog.Read.All", purpose: "signInActivity (prior successful sign-in)" },
  { name: "User.RevokeSessions.All", purpose: "revokeSignInSessions" },
  { name: "Policy.Read.All", purpose: "the TAP policy and Conditional Access policies" },
  { name: "Mail.Send", purpose: "recovery notices (only when NOTIFY_SENDER_MAILBOX is set)" },
  {
    name: "RoleManagement.Read.Directory",
    purpose: "diagnostics: directory role holders in Production scope",
  },
] as const;

/** Broader permissions that also satisfy a required one (Graph accepts either). */
export const SATISFIED_BY: Readonly<Record<string, readonly string[]>> = {
  "User.Read.All": ["User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  "GroupMember.Read.All": [
    "Group.Read.All",
    "Group.ReadWrite.All",
    "GroupMember.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
  ],
  "User.RevokeSessions.All": ["User.ReadWrite.All", "Directory.ReadWrite.All"],
  "RoleManagement.Read.Directory": [
    "RoleManagement.ReadWrite.Directory",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
  ],
};
