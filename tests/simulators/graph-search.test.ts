/**
 * `$search` on users as Graph documents it (advanced query, quoted clauses, AND/OR, startsWith
 * on givenName/surname, tokens on displayName), and the name candidate query of
 * `names.candidateSearches` sent by our gateway through `$batch`: complete for every account
 * the credential matches, in the match read's one round trip.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoTenant } from "../../dev/seed/demo-tenant";
import { type GraphSimulator, startGraphSimulator } from "../../dev/simulators/graph";
import type { UserSeed } from "../../dev/simulators/graph/model";
import { matchesSearch, parseSearch, searchTokens } from "../../dev/simulators/graph/odata-search";
import { DirectoryGateway } from "../../src/directory/graph";
import { namesMatch } from "../../src/recovery/names";

const user: Record<string, string | null> = {
  givenName: "María José",
  surname: "O'Brien",
  displayName: "María José O'Brien (Sales)",
  mail: "mj@contoso.example",
};
const matches = (search: string) => matchesSearch(parseSearch(search), (p) => user[p]);

describe("$search (parser and semantics)", () => {
  it("treats givenName and surname as startsWith, case-insensitively", () => {
    expect(matches('"surname:o\'b"')).toBe(true);
    expect(matches('"givenName:MARÍA"')).toBe(true);
    expect(matches('"givenName:José"')).toBe(false); // not a prefix of the value
    expect(matches('"givenName:Maria"')).toBe(false); // no accent folding
  });

  it("searches displayName by tokens, in any order", () => {
    expect(searchTokens("HelloWorld hello.world")).toEqual(["hello", "world", "hello", ".", "world"]);
    expect(matches('"displayName:sales brien"')).toBe(true);
    expect(matches('"displayName:jose"')).toBe(false);
  });

  it("combines clauses with upper-case AND/OR and parentheses, AND binding tighter", () => {
    expect(matches('"surname:x" OR "givenName:m" AND "surname:o"')).toBe(true);
    expect(matches('("surname:x" OR "givenName:m") AND "surname:z"')).toBe(false);
  });

  it('unescapes \\" and \\\\ inside a clause', () => {
    expect(parseSearch('"surname:a\\"b\\\\c"')).toEqual({
      kind: "clause",
      property: "surname",
      text: 'a"b\\c',
    });
  });

  it("refuses lower-case operators, unquoted text, clauses without a property and unknown properties", () => {
    for (const s of ['"surname:a" or "surname:b"', "surname:a", '"a"', '"shoeSize:4"', '"surname:a', ""]) {
      expect(() => parseSearch(s), s).toThrow(expect.objectContaining({ status: 400 }));
    }
  });
});

const TOKEN = "search-test-token";
const credential = {
  getToken: async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};
let sim: GraphSimulator;
let gateway: DirectoryGateway;

function person(id: string, givenName: string | null, surname: string | null, enabled = true): UserSeed {
  return {
    id,
    userPrincipalName: `${id}@contoso.example`,
    givenName,
    surname,
    displayName: `${givenName} ${surname}`,
    accountEnabled: enabled,
    memberOf: [],
    methods: [],
  };
}

// Everyone a "José García" credential could be confused with, in the spellings a directory holds.
const PEOPLE: UserSeed[] = [
  person("jose-garcia", "José", "García"),
  person("jose-garcia-ascii", "Jose", "Garcia"),
  person("jose-garcia-nfd", "Jose\u0301", "Garci\u0301a"),
  person("jose-garcia-upper", "JOSÉ", "GARCÍA"),
  person("jose-garcia-fullwidth", "Ｊｏｓｅ", "Ｇａｒｃｉａ"),
  person("jose-garcia-lopez", "José", "García López"),
  person("jose-maria-garcia", "José María", "García"),
  person("jose-garcia-disabled", "José", "García", false),
  person("juan-garcia", "Juan", "García"),
  person("jose-martin", "José", "Martín"),
  person("garcia-jose", "García", "José"),
  person("isik", "Işık", "Yılmaz"),
  person("isik-ascii", "ISIK", "YILMAZ"),
  person("greek", "Γιώργος", "Παπαδόπουλος"),
  person("greek-caps", "ΓΙΩΡΓΟΣ", "ΠΑΠΑΔΟΠΟΥΛΟΣ"),
  // Stored decomposed: Graph's startswith sees И, not Й (a Cyrillic mark is never folded away).
  person("cyrillic-nfd", "И\u0306ован", "И\u0306ованович"),
  person("cyrillic", "Йован", "Йованович"),
  // Stored with CJK compatibility ideographs, which NFC maps to the unified ones: 丽 (U+4E3D)
  // from U+2F800 (a supplementary-plane one) and 豈 (U+8C48) from U+F900.
  person("han", "\u4E3D", "\u8C48\u4E00"),
  person("han-compat", "\u{2F800}", "\uF900\u4E00"),
];

beforeAll(async () => {
  const tenant = demoTenant();
  tenant.users.push(...PEOPLE);
  sim = await startGraphSimulator({ acceptedToken: TOKEN, tenant });
  gateway = DirectoryGateway.create(sim.url, credential);
});
afterAll(() => sim.stop());

describe("the name candidate query over HTTP", () => {
  it("answers $search without ConsistencyLevel with Graph's 400", async () => {
    const results = await gateway.batch("probe", [
      { id: "1", method: "GET", url: `/users?$search=${encodeURIComponent('"surname:g"')}` },
    ]);
    expect(results.get("1")).toMatchObject({
      status: 400,
      body: { error: { code: "Request_UnsupportedQuery" } },
    });
  });

  const credentials = [
    { firstName: "JOSE", lastName: "GARCIA" },
    { firstName: "José María", lastName: "García López" },
    { firstName: "ISIK", lastName: "YILMAZ" },
    { firstName: "ΓΙΩΡΓΟΣ", lastName: "ΠΑΠΑΔΟΠΟΥΛΟΣ" },
    { firstName: "ЙОВАН", lastName: "ЙОВАНОВИЧ" },
    { firstName: "\u4E3D", lastName: "\u8C48\u4E00" },
    { firstName: "\u{2F800}", lastName: "\u8C48\u4E00" },
  ];
  for (const names of credentials) {
    it(`finds every account "${names.firstName} ${names.lastName}" matches in either mode, in the match read's one round trip`, async () => {
      sim.clearRequests();
      const facts = await gateway.readForMatch("jose-garcia", {
        attributes: [],
        contacts: false,
        manager: false,
        candidatesFor: names,
      });
      expect(sim.requests.filter((r) => !r.inBatch)).toHaveLength(1);
      expect(facts.candidates?.complete).toBe(true);
      const found = new Set(facts.candidates?.accounts.map((a) => a.id));
      for (const p of PEOPLE) {
        const directory = { givenName: p.givenName ?? null, surname: p.surname ?? null };
        for (const mode of ["exact", "relaxed"] as const) {
          if (namesMatch(mode, names, directory, { maxExtraWords: 4 }).matched)
            expect(found.has(p.id), `${p.id} (${mode})`).toBe(true);
        }
      }
    });
  }

  it("an answer with a further page is incomplete: the name is not proven unique", async () => {
    const crowd = Array.from({ length: 1_000 }, (_, i) =>
      person(`00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, "Zed", `Zimmer${i}`),
    );
    const tenant = demoTenant();
    tenant.users.push(...PEOPLE, ...crowd);
    sim.reset(tenant);
    try {
      const facts = await gateway.readForMatch("jose-garcia", {
        attributes: [],
        contacts: false,
        manager: false,
        candidatesFor: { firstName: "Zed", lastName: "Zimmer" },
      });
      expect(facts.candidates?.accounts.length).toBe(999);
      expect(facts.candidates?.complete).toBe(false);
    } finally {
      const seed = demoTenant();
      seed.users.push(...PEOPLE);
      sim.reset(seed);
    }
  });
});
