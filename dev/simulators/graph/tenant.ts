/**
 * The simulated directory's mutable state and its rules: transitive group membership, the
 * deletion order Entra enforces on authentication methods (docs/facts.md §8), Temporary Access Pass
 * issuance against the TAP policy, and sign-in session revocation. Protocol concerns (URLs,
 * JSON shapes) live in routes.ts; this module only knows the domain.
 */
import { randomInt, randomUUID } from "node:crypto";
import { badRequest, GraphFailure } from "./errors";
import {
  ALL_USERS_TARGET,
  type ConditionalAccessPolicySeed,
  type GroupSeed,
  type IssuedTemporaryAccessPass,
  METHOD_COLLECTION,
  type MethodSeed,
  type MethodType,
  type RoleAssignmentSeed,
  type SentMail,
  type TapPolicySeed,
  type TemporaryAccessPassMethodSeed,
  type TenantSeed,
  type UserSeed,
} from "./model";

export interface UserRecord {
  readonly seed: UserSeed;
  methods: MethodSeed[];
  defaultMfaMethodId: string | undefined;
  signInSessionsValidFromDateTime: string | null;
  revocations: string[];
  issuedPasses: IssuedTemporaryAccessPass[];
}

export interface TapRequest {
  startDateTime?: Date;
  lifetimeInMinutes?: number;
  isUsableOnce?: boolean;
}

/** Entra's TAP alphabet mixes cases, digits and symbols; we leave out look-alikes (0/O, 1/l/I). */
const TAP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!@#$%&*+=?";

export class Tenant {
  readonly tenantId: string;
  readonly tapPolicy: TapPolicySeed;
  private readonly users = new Map<string, UserRecord>();
  private readonly byUpn = new Map<string, UserRecord>();
  private readonly groups = new Map<string, GroupSeed>();
  private readonly mailboxes: Set<string>;
  /** Every message sent through sendMail, oldest first. */
  readonly sentMail: SentMail[] = [];
  readonly conditionalAccessPolicies: readonly ConditionalAccessPolicySeed[];
  readonly roleAssignments: readonly RoleAssignmentSeed[];

  constructor(
    seed: TenantSeed,
    private readonly clock: () => Date,
  ) {
    validateSeed(seed);
    // Our own copy: tests keep and reuse their seed objects.
    const own = structuredClone(seed);
    this.tenantId = own.tenantId;
    this.tapPolicy = own.tapPolicy;
    this.mailboxes = new Set((own.mailboxes ?? []).map((m) => m.toLowerCase()));
    this.conditionalAccessPolicies = own.conditionalAccessPolicies ?? [];
    this.roleAssignments = own.roleAssignments ?? [];
    for (const group of own.groups) this.groups.set(group.id.toLowerCase(), group);
    for (const user of own.users) {
      const record: UserRecord = {
        seed: user,
        methods: user.methods,
        defaultMfaMethodId: user.defaultMfaMethodId,
        signInSessionsValidFromDateTime: user.createdDateTime ?? null,
        revocations: [],
        issuedPasses: [],
      };
      for (const m of user.methods) {
        if (m.type === "temporaryAccessPass" && m.temporaryAccessPass !== undefined) {
          record.issuedPasses.push({
            id: m.id,
            temporaryAccessPass: m.temporaryAccessPass,
            createdDateTime: m.createdDateTime ?? m.startDateTime,
            startDateTime: m.startDateTime,
            lifetimeInMinutes: m.lifetimeInMinutes,
            isUsableOnce: m.isUsableOnce,
            active: true,
          });
        }
      }
      this.users.set(user.id.toLowerCase(), record);
      this.byUpn.set(user.userPrincipalName.toLowerCase(), record);
    }
  }

  now(): Date {
    return this.clock();
  }

  /** By object id or userPrincipalName, case-insensitively (as Graph resolves /users/{id}). */
  findUser(idOrUpn: string): UserRecord | undefined {
    const key = idOrUpn.toLowerCase();
    return this.users.get(key) ?? this.byUpn.get(key);
  }

  /** A user or a shared mailbox: something that can send mail. */
  isMailbox(idOrAddress: string): boolean {
    return this.findUser(idOrAddress) !== undefined || this.mailboxes.has(idOrAddress.toLowerCase());
  }

  allUsers(): UserRecord[] {
    return [...this.users.values()];
  }

  group(id: string): GroupSeed | undefined {
    return this.groups.get(id.toLowerCase());
  }

  /** The group and every group nested in it, at any depth (cycles tolerated). */
  nestedGroupIds(groupId: string): Set<string> {
    const root = this.group(groupId);
    const found = new Set<string>();
    if (!root) return found;
    found.add(root.id.toLowerCase());
    let grew = true;
    while (grew) {
      grew = false;
      for (const g of this.groups.values()) {
        const id = g.id.toLowerCase();
        if (found.has(id)) continue;
        if ((g.memberOf ?? []).some((parent) => found.has(parent.toLowerCase()))) {
          found.add(id);
          grew = true;
        }
      }
    }
    return found;
  }

  /** Users and groups inside a group at any depth (GET /groups/{id}/transitiveMembers), in seed order. */
  transitiveMembers(groupId: string): { users: UserRecord[]; groups: GroupSeed[] } {
    const nested = this.nestedGroupIds(groupId);
    const root = groupId.toLowerCase();
    return {
      groups: [...this.groups.values()].filter(
        (g) => g.id.toLowerCase() !== root && nested.has(g.id.toLowerCase()),
      ),
      users: [...this.users.values()].filter((u) => u.seed.memberOf.some((g) => nested.has(g.toLowerCase()))),
    };
  }

  /** Every group the user belongs to directly or through nesting (cycles tolerated). */
  transitiveGroupIds(user: UserRecord): string[] {
    const seen = new Set<string>();
    const queue = [...user.seed.memberOf];
    while (queue.length > 0) {
      const id = queue.shift()!;
      const group = this.group(id);
      if (!group || seen.has(group.id)) continue;
      seen.add(group.id);
      queue.push(...(group.memberOf ?? []));
    }
    return [...seen];
  }

  /** Deletes one method, enforcing Entra's ordering rules; the collection must match the method's type. */
  deleteMethod(user: UserRecord, type: MethodType, methodId: string): void {
    if (type === "password") {
      throw badRequest("The password authentication method cannot be deleted.", "badRequest");
    }
    const method = user.methods.find((m) => m.id.toLowerCase() === methodId.toLowerCase() && m.type === type);
    if (!method) throw methodNotFound(methodId, type);

    // Entra refuses to delete the default method while the user could still sign in with
    // something else; callers have to remove the other methods first.
    if (
      user.defaultMfaMethodId !== undefined &&
      method.id.toLowerCase() === user.defaultMfaMethodId.toLowerCase()
    ) {
      const others = user.methods.filter(
        // QR code + PIN is a first-factor method for shared devices, not a second factor, so (as
        // modelled here; not confirmed) it does not hold the default MFA method in place.
        (m) =>
          m !== method && m.type !== "password" && m.type !== "temporaryAccessPass" && m.type !== "qrCodePin",
      );
      if (others.length > 0) {
        throw badRequest(
          "Cannot delete default method with other methods configured. Please change default method before deletion.",
          "badRequest",
        );
      }
    }
    // An alternate mobile number cannot exist without a mobile one.
    if (method.type === "phone" && method.phoneType === "mobile") {
      if (user.methods.some((m) => m.type === "phone" && m.phoneType === "alternateMobile")) {
        throw badRequest(
          "Cannot delete the mobile phone method while an alternateMobile phone method is registered. Delete the alternateMobile phone method first.",
          "badRequest",
        );
      }
    }

    user.methods = user.methods.filter((m) => m !== method);
    if (user.defaultMfaMethodId?.toLowerCase() === method.id.toLowerCase())
      user.defaultMfaMethodId = undefined;
    if (method.type === "temporaryAccessPass") {
      for (const pass of user.issuedPasses) if (pass.id === method.id) pass.active = false;
    }
  }

  /** Issues a TAP within the policy; a new pass replaces the user's previous one. */
  issueTemporaryAccessPass(user: UserRecord, request: TapRequest): IssuedTemporaryAccessPass {
    const policy = this.tapPolicy;
    if (policy.state !== "enabled") {
      throw badRequest(
        "The Temporary Access Pass authentication method is disabled in the authentication methods policy.",
        "badRequest",
      );
    }
    if (!this.isTargetedByTapPolicy(user)) {
      throw new GraphFailure(
        403,
        "accessDenied",
        "The user is not targeted by the Temporary Access Pass authentication method policy (includeTargets/excludeTargets).",
      );
    }
    const lifetime = request.lifetimeInMinutes ?? policy.defaultLifetimeInMinutes;
    if (lifetime < policy.minimumLifetimeInMinutes || lifetime > policy.maximumLifetimeInMinutes) {
      throw badRequest(
        `The lifetime of the Temporary Access Pass must be between ${policy.minimumLifetimeInMinutes} and ${policy.maximumLifetimeInMinutes} minutes as configured in the authentication methods policy.`,
        "badRequest",
      );
    }
    if (policy.isUsableOnce && request.isUsableOnce === false) {
      throw badRequest(
        "The authentication methods policy requires one-time use Temporary Access Passes; isUsableOnce cannot be false.",
        "badRequest",
      );
    }

    const now = this.clock();
    let pass = "";
    for (let i = 0; i < policy.defaultLength; i++) pass += TAP_ALPHABET[randomInt(TAP_ALPHABET.length)];
    const issued: IssuedTemporaryAccessPass = {
      id: randomUUID(),
      temporaryAccessPass: pass,
      createdDateTime: now.toISOString(),
      startDateTime: (request.startDateTime ?? now).toISOString(),
      lifetimeInMinutes: lifetime,
      isUsableOnce: request.isUsableOnce ?? policy.isUsableOnce,
      active: true,
    };
    for (const old of user.issuedPasses) old.active = false;
    user.issuedPasses.push(issued);
    const method: TemporaryAccessPassMethodSeed = {
      type: "temporaryAccessPass",
      id: issued.id,
      createdDateTime: issued.createdDateTime,
      startDateTime: issued.startDateTime,
      lifetimeInMinutes: issued.lifetimeInMinutes,
      isUsableOnce: issued.isUsableOnce,
    };
    user.methods = [...user.methods.filter((m) => m.type !== "temporaryAccessPass"), method];
    return issued;
  }

  isTargetedByTapPolicy(user: UserRecord): boolean {
    const groups = new Set(this.transitiveGroupIds(user).map((g) => g.toLowerCase()));
    const hits = (target: { id: string }) =>
      target.id.toLowerCase() === ALL_USERS_TARGET || groups.has(target.id.toLowerCase());
    return this.tapPolicy.includeTargets.some(hits) && !this.tapPolicy.excludeTargets.some(hits);
  }

  /** Usability of a TAP right now, in Graph's terms. */
  tapUsability(method: TemporaryAccessPassMethodSeed): { isUsable: boolean; methodUsabilityReason: string } {
    const now = this.clock().getTime();
    const start = Date.parse(method.startDateTime);
    if (now < start) return { isUsable: false, methodUsabilityReason: "NotYetValid" };
    if (now >= start + method.lifetimeInMinutes * 60_000)
      return { isUsable: false, methodUsabilityReason: "Expired" };
    return { isUsable: true, methodUsabilityReason: "EnabledByPolicy" };
  }

  revokeSignInSessions(user: UserRecord): void {
    const at = this.clock().toISOString();
    user.revocations.push(at);
    user.signInSessionsValidFromDateTime = at;
  }
}

export function methodNotFound(methodId: string, type?: MethodType): GraphFailure {
  const where = type && type !== "qrCodePin" ? ` in ${METHOD_COLLECTION[type]}` : "";
  return new GraphFailure(
    404,
    "itemNotFound",
    `The authentication method '${methodId}' was not found${where}.`,
  );
}

/** Rejects inconsistent seeds up front, naming the offending entry. */
function validateSeed(seed: TenantSeed): void {
  const fail = (message: string): never => {
    throw new TypeError(`Invalid tenant seed: ${message}`);
  };
  const groupIds = new Set(seed.groups.map((g) => g.id.toLowerCase()));
  if (groupIds.size !== seed.groups.length) fail("duplicate group id");
  for (const g of seed.groups) {
    for (const parent of g.memberOf ?? []) {
      if (!groupIds.has(parent.toLowerCase())) fail(`group ${g.id} is a member of unknown group ${parent}`);
    }
  }
  const ids = new Set<string>();
  const upns = new Set<string>();
  for (const u of seed.users) {
    if (ids.has(u.id.toLowerCase())) fail(`duplicate user id ${u.id}`);
    if (upns.has(u.userPrincipalName.toLowerCase()))
      fail(`duplicate userPrincipalName ${u.userPrincipalName}`);
    ids.add(u.id.toLowerCase());
    upns.add(u.userPrincipalName.toLowerCase());
    for (const g of u.memberOf)
      if (!groupIds.has(g.toLowerCase())) fail(`user ${u.id} is a member of unknown group ${g}`);
    const methodIds = new Set(u.methods.map((m) => m.id.toLowerCase()));
    if (methodIds.size !== u.methods.length) fail(`user ${u.id} has duplicate method ids`);
    if (u.methods.filter((m) => m.type === "password").length > 1)
      fail(`user ${u.id} has more than one password`);
    if (u.methods.filter((m) => m.type === "temporaryAccessPass").length > 1)
      fail(`user ${u.id} has more than one TAP`);
    for (const phoneType of ["mobile", "alternateMobile", "office"] as const) {
      if (u.methods.filter((m) => m.type === "phone" && m.phoneType === phoneType).length > 1) {
        fail(`user ${u.id} has more than one ${phoneType} phone`);
      }
    }
    if (
      u.managerId !== undefined &&
      !seed.users.some((m) => m.id.toLowerCase() === u.managerId!.toLowerCase())
    ) {
      fail(`user ${u.id} has unknown manager ${u.managerId}`);
    }
    if (u.defaultMfaMethodId !== undefined && !methodIds.has(u.defaultMfaMethodId.toLowerCase())) {
      fail(`user ${u.id} has defaultMfaMethodId ${u.defaultMfaMethodId} that is not one of its methods`);
    }
  }
  for (const a of seed.roleAssignments ?? []) {
    if (!ids.has(a.principalId.toLowerCase()) && !groupIds.has(a.principalId.toLowerCase()))
      fail(`role assignment ${a.id} names unknown principal ${a.principalId}`);
  }
  const p = seed.tapPolicy;
  if (p.minimumLifetimeInMinutes < 10 || p.maximumLifetimeInMinutes > 43200)
    fail("TAP lifetimes must lie within 10–43200");
  if (p.minimumLifetimeInMinutes > p.maximumLifetimeInMinutes) fail("TAP minimum lifetime exceeds maximum");
  if (
    p.defaultLifetimeInMinutes < p.minimumLifetimeInMinutes ||
    p.defaultLifetimeInMinutes > p.maximumLifetimeInMinutes
  ) {
    fail("TAP default lifetime outside [minimum, maximum]");
  }
  if (p.defaultLength < 8 || p.defaultLength > 48) fail("TAP defaultLength must lie within 8–48");
}
