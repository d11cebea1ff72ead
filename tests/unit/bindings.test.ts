import { describe, expect, it } from "vitest";
import { type Binding, checkBindings } from "../../src/recovery/bindings";

const DOB: Binding = { claim: "dateOfBirth", attribute: "extensionAttribute3", compare: "date" };
const EMPLOYEE: Binding = { claim: "employeeNumber", attribute: "employeeId", compare: "exact" };

describe("checkBindings", () => {
  it("passes without bindings", () => {
    expect(checkBindings([], {}, {})).toEqual({ ok: true, explanation: "no bindings" });
  });

  it("matches a date given as a date-time on one side", () => {
    const r = checkBindings(
      [DOB],
      { dateOfBirth: "1990-04-12T00:00:00Z" },
      { extensionAttribute3: "1990-04-12" },
    );
    expect(r).toEqual({ ok: true, explanation: "dateOfBirth=extensionAttribute3" });
  });

  it("tells namesakes apart by a different date of birth, without showing either date", () => {
    const r = checkBindings([DOB], { dateOfBirth: "1990-04-12" }, { extensionAttribute3: "1991-04-12" });
    expect(r).toEqual({ ok: false, explanation: "dateOfBirth≠extensionAttribute3" });
    expect(r.explanation).not.toContain("1990");
  });

  it("fails when either side is missing or blank", () => {
    expect(checkBindings([DOB], {}, { extensionAttribute3: "1990-04-12" })).toEqual({
      ok: false,
      explanation: "dateOfBirth missing",
    });
    expect(checkBindings([DOB], { dateOfBirth: "1990-04-12" }, { extensionAttribute3: " " })).toEqual({
      ok: false,
      explanation: "extensionAttribute3 missing",
    });
    expect(checkBindings([DOB], { dateOfBirth: 19900412 }, { extensionAttribute3: "1990-04-12" }).ok).toBe(
      false,
    );
  });

  it("needs every binding to hold; exact compares trimmed and case-insensitively", () => {
    const claims = { dateOfBirth: "1990-04-12", employeeNumber: " ab-100 " };
    expect(
      checkBindings([DOB, EMPLOYEE], claims, { extensionAttribute3: "1990-04-12", employeeId: "AB-100" }),
    ).toEqual({ ok: true, explanation: "dateOfBirth=extensionAttribute3, employeeNumber=employeeId" });
    expect(
      checkBindings([DOB, EMPLOYEE], claims, { extensionAttribute3: "1990-04-12", employeeId: "AB-101" }).ok,
    ).toBe(false);
  });

  it("does not read a date-only rule into an exact binding", () => {
    expect(
      checkBindings(
        [{ ...DOB, compare: "exact" }],
        { dateOfBirth: "1990-04-12T00:00:00Z" },
        { extensionAttribute3: "1990-04-12" },
      ).ok,
    ).toBe(false);
  });
});
