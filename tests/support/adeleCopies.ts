/**
 * Copies of Adele Vance's account (every kind of method, the mobile phone as default) under names
 * of their own, "Ida <name>": one account per test, since a recovered one is in cooldown.
 */
import { DEMO_USERS, demoTenant } from "../../dev/seed/demo-tenant";
import type { TenantSeed, UserSeed } from "../../dev/simulators/graph";

export interface AdeleCopy {
  id: string;
  upn: string;
  firstName: string;
  lastName: string;
  /** The private address the notices go to. */
  home: string;
}

/**
 * The copies named `people`, their object ids `<idPrefix>-<n>` (n = position in `people`, from 1,
 * padded: a prefix of their own per file keeps the files' people apart), and the demo tenant
 * with them (`extra`: what every copy has besides, a manager say).
 */
export function adeleCopies<const N extends string>(idPrefix: string, people: readonly N[]) {
  const person = (name: N): AdeleCopy => ({
    id: `${idPrefix}-${String(people.indexOf(name) + 1).padStart(12, "0")}`,
    upn: `ida.${name.toLowerCase()}@contoso.example`,
    firstName: "Ida",
    lastName: name,
    home: `ida.${name.toLowerCase()}@home.example`,
  });
  const tenant = (extra: Partial<UserSeed> = {}): TenantSeed => {
    const seed = demoTenant();
    const adele = seed.users.find((u) => u.id === DEMO_USERS.adeleVance.id);
    if (!adele) throw new Error("the demo tenant has no Adele Vance");
    const copies: UserSeed[] = people.map((name) => {
      const p = person(name);
      return {
        ...structuredClone(adele),
        id: p.id,
        userPrincipalName: p.upn,
        mail: p.upn,
        givenName: p.firstName,
        surname: p.lastName,
        displayName: `${p.firstName} ${p.lastName}`,
        otherMails: [p.home],
        ...extra,
      };
    });
    return { ...seed, users: [...seed.users, ...copies] };
  };
  return { person, tenant };
}
