import { describe, expect, it } from "vitest";
import {
  deletionRounds,
  type MethodRef,
  methodsLeftByReset,
  orderForDeletion,
} from "../../src/recovery/methodOrder";

const PASSWORD = "#microsoft.graph.passwordAuthenticationMethod";
const PHONE = "#microsoft.graph.phoneAuthenticationMethod";
const AUTHENTICATOR = "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod";
const FIDO2 = "#microsoft.graph.fido2AuthenticationMethod";
const EMAIL = "#microsoft.graph.emailAuthenticationMethod";
const SOFTWARE_OATH = "#microsoft.graph.softwareOathAuthenticationMethod";
const WINDOWS_HELLO = "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod";

const DELETABLE: ReadonlySet<string> = new Set([PASSWORD, PHONE, AUTHENTICATOR, FIDO2, EMAIL, SOFTWARE_OATH]);

function ids(methods: readonly MethodRef[]): string[] {
  return methods.map((m) => m.id);
}

describe("orderForDeletion", () => {
  it("never includes the password, even when it is listed as deletable", () => {
    const methods: MethodRef[] = [
      { odataType: PASSWORD, id: "pw" },
      { odataType: FIDO2, id: "fido" },
    ];
    expect(ids(orderForDeletion(methods, DELETABLE))).toEqual(["fido"]);
  });

  it("puts every non-phone method before the phones", () => {
    const methods: MethodRef[] = [
      { odataType: PHONE, id: "mobile", phoneType: "mobile" },
      { odataType: AUTHENTICATOR, id: "app" },
      { odataType: PHONE, id: "office", phoneType: "office" },
      { odataType: EMAIL, id: "mail" },
    ];
    expect(ids(orderForDeletion(methods, DELETABLE))).toEqual(["app", "mail", "office", "mobile"]);
  });

  it("deletes alternate mobile and office phones before the mobile phone", () => {
    const methods: MethodRef[] = [
      { odataType: PHONE, id: "mobile", phoneType: "mobile" },
      { odataType: PHONE, id: "alt", phoneType: "alternateMobile" },
      { odataType: PHONE, id: "office", phoneType: "office" },
    ];
    expect(ids(orderForDeletion(methods, DELETABLE))).toEqual(["alt", "office", "mobile"]);
  });

  it("keeps the original order within each group", () => {
    const methods: MethodRef[] = [
      { odataType: PHONE, id: "office", phoneType: "office" },
      { odataType: SOFTWARE_OATH, id: "oath" },
      { odataType: PHONE, id: "mobile", phoneType: "mobile" },
      { odataType: FIDO2, id: "fido-b" },
      { odataType: PHONE, id: "alt", phoneType: "alternateMobile" },
      { odataType: FIDO2, id: "fido-a" },
      { odataType: AUTHENTICATOR, id: "app" },
    ];
    expect(ids(orderForDeletion(methods, DELETABLE))).toEqual([
      "oath",
      "fido-b",
      "fido-a",
      "app",
      "office",
      "alt",
      "mobile",
    ]);
  });

  it("leaves out types that are not deletable", () => {
    const methods: MethodRef[] = [
      { odataType: WINDOWS_HELLO, id: "whfb" },
      { odataType: FIDO2, id: "fido" },
      { odataType: "#microsoft.graph.somethingNew", id: "new" },
    ];
    expect(ids(orderForDeletion(methods, DELETABLE))).toEqual(["fido"]);
  });

  it("leaves out phones when phones are not deletable", () => {
    const methods: MethodRef[] = [
      { odataType: PHONE, id: "mobile", phoneType: "mobile" },
      { odataType: FIDO2, id: "fido" },
    ];
    expect(ids(orderForDeletion(methods, new Set([FIDO2])))).toEqual(["fido"]);
  });

  it("returns the same objects with their extra fields and does not touch the input", () => {
    const app = { odataType: AUTHENTICATOR, id: "app", displayName: "Pixel" };
    const mobile = { odataType: PHONE, id: "mobile", phoneType: "mobile", displayName: "+1 555" };
    const input = [mobile, app];
    const ordered = orderForDeletion(input, DELETABLE);
    expect(ordered).toEqual([app, mobile]);
    expect(ordered[0]).toBe(app);
    expect(input).toEqual([mobile, app]);
  });

  it("returns nothing for nothing", () => {
    expect(orderForDeletion([], DELETABLE)).toEqual([]);
  });
});

describe("deletionRounds", () => {
  it("groups other methods, then office and alternate mobile, then mobile; never the password", () => {
    const methods: MethodRef[] = [
      { odataType: PHONE, id: "mobile", phoneType: "mobile" },
      { odataType: PASSWORD, id: "pw" },
      { odataType: PHONE, id: "alt", phoneType: "alternateMobile" },
      { odataType: AUTHENTICATOR, id: "app" },
      { odataType: PHONE, id: "office", phoneType: "office" },
      { odataType: FIDO2, id: "fido" },
    ];
    expect(deletionRounds(methods, DELETABLE).map(ids)).toEqual([
      ["app", "fido"],
      ["alt", "office"],
      ["mobile"],
    ]);
  });

  it("leaves out empty rounds", () => {
    expect(
      deletionRounds([{ odataType: PHONE, id: "mobile", phoneType: "mobile" }], DELETABLE).map(ids),
    ).toEqual([["mobile"]]);
    expect(deletionRounds([{ odataType: PASSWORD, id: "pw" }], DELETABLE)).toEqual([]);
  });
});

describe("methodsLeftByReset", () => {
  it("names the password, types without a v1.0 collection and unknown types; never a deletable one", () => {
    const methods: MethodRef[] = [
      { odataType: PASSWORD, id: "pw" },
      { odataType: FIDO2, id: "fido" },
      { odataType: "#microsoft.graph.qrCodePinAuthenticationMethod", id: "qr" },
      { odataType: "#microsoft.graph.hardwareOathAuthenticationMethod", id: "hw" },
      { odataType: PHONE, id: "mobile", phoneType: "mobile" },
    ];
    expect(ids(methodsLeftByReset(methods, DELETABLE))).toEqual(["pw", "qr", "hw"]);
    // A password is never deletable, even if a caller's set says so.
    expect(ids(methodsLeftByReset([{ odataType: PASSWORD, id: "pw" }], new Set([PASSWORD])))).toEqual(["pw"]);
    // Together the two lists cover every method exactly once.
    const both = [...orderForDeletion(methods, DELETABLE), ...methodsLeftByReset(methods, DELETABLE)];
    expect(ids(both).sort()).toEqual(ids(methods).sort());
  });
});
