/**
 * The order in which authentication methods can be deleted (docs/facts.md §8): the password is never
 * deleted; phones go last because a default-MFA phone cannot be deleted while other methods
 * exist, and an alternate mobile cannot exist without the mobile, so: everything else, then
 * office and alternate mobile phones, then the mobile phone.
 */

export interface MethodRef {
  odataType: string;
  id: string;
  phoneType?: string;
}

const PASSWORD = "#microsoft.graph.passwordAuthenticationMethod";
const PHONE = "#microsoft.graph.phoneAuthenticationMethod";

function rank(m: MethodRef): number {
  if (m.odataType !== PHONE) return 0;
  if (m.phoneType === "mobile") return 2;
  return 1;
}

/**
 * What a complete reset leaves behind: every method that is not deleted (the password, a type
 * Graph v1.0 cannot delete, a type we do not know yet). The audit names each of them.
 */
export function methodsLeftByReset<T extends MethodRef>(
  methods: readonly T[],
  deletableTypes: ReadonlySet<string>,
): T[] {
  return methods.filter((m) => m.odataType === PASSWORD || !deletableTypes.has(m.odataType));
}

export function orderForDeletion<T extends MethodRef>(
  methods: readonly T[],
  deletableTypes: ReadonlySet<string>,
): T[] {
  return methods
    .filter((m) => m.odataType !== PASSWORD && deletableTypes.has(m.odataType))
    .map((m, i) => ({ m, i }))
    .sort((a, b) => rank(a.m) - rank(b.m) || a.i - b.i)
    .map(({ m }) => m);
}

/**
 * The same order as rounds of independent deletions (one `$batch` each): every non-phone
 * method, then office and alternate mobile phones, then the mobile phone. Inside a round the
 * order does not matter; between rounds it does. Empty rounds are left out.
 */
export function deletionRounds<T extends MethodRef>(
  methods: readonly T[],
  deletableTypes: ReadonlySet<string>,
): T[][] {
  const rounds: T[][] = [[], [], []];
  for (const m of orderForDeletion(methods, deletableTypes)) rounds[rank(m)]?.push(m);
  return rounds.filter((r) => r.length > 0);
}
