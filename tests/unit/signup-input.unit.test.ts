import { describe, expect, it } from "vitest";
import { FIRST_NAME_MAX, isBot, normaliseNameCase, parseSignup, type SignupInput } from "../../src/campaign/signup-input.js";
import { CONFIRM_CONSENT } from "../../src/campaign/wording.js";
import { CONSENT_FORM_VERSION, CONSENT_WORDING } from "../../src/campaign/consent.js";

/** Parses `body` and returns the input, failing the test with the field error if it was rejected. */
function accepted(body: unknown): SignupInput {
  const result = parseSignup(body);
  if (!result.ok) throw new Error(`rejected: ${result.error.field} ${result.error.message}`);
  return result.input;
}

/** Parses `body` and returns the field error, failing the test if it was accepted. */
function rejected(body: unknown): { field: string; message: string } {
  const result = parseSignup(body);
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.input)}`);
  return result.error;
}

/** A syntactically valid address of exactly `length` characters (64-character local part, 63-character labels). */
function addressOfLength(length: number): string {
  const prefix = `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.`;
  const suffix = ".com";
  return `${prefix}${"d".repeat(length - prefix.length - suffix.length)}${suffix}`;
}

describe("parseSignup email", () => {
  it("trims and lower-cases the address", () => {
    expect(accepted({ email: "  Jane.Doe@Example.COM \n" }).email).toBe("jane.doe@example.com");
  });

  it("accepts a 254-character address and rejects a 255-character one", () => {
    const longest = addressOfLength(254);
    expect(longest).toHaveLength(254);
    expect(accepted({ email: longest }).email).toBe(longest);

    const tooLong = addressOfLength(255);
    expect(tooLong).toHaveLength(255);
    const error = rejected({ email: tooLong });
    expect(error.field).toBe("email");
    expect(error.message).toMatch(/^Email /);
  });

  it("accepts a 64-character local part and refuses 65 (RFC 5321 §4.5.3.1.1)", () => {
    expect(accepted({ email: `${"a".repeat(64)}@example.com` }).email).toBe(`${"a".repeat(64)}@example.com`);
    const error = rejected({ email: `${"a".repeat(65)}@example.com` });
    expect(error.field).toBe("email");
    expect(error.message).toBe("Email must have at most 64 characters before the @");
  });

  it("refuses a domain label over 63 characters (RFC 1035 §2.3.4) and accepts one of 63", () => {
    expect(accepted({ email: `a@${"b".repeat(63)}.com` }).email).toBe(`a@${"b".repeat(63)}.com`);
    const error = rejected({ email: `a@${"b".repeat(64)}.com` });
    expect(error.field).toBe("email");
    expect(error.message).toBe("Email must have at most 63 characters between the dots of its domain");
  });

  it("stores an internationalised domain in its punycode form, so both spellings are one address", () => {
    expect(accepted({ email: "User@Bücher.de" }).email).toBe("user@xn--bcher-kva.de");
    expect(accepted({ email: "user@xn--bcher-kva.de" }).email).toBe("user@xn--bcher-kva.de");
    expect(accepted({ email: "ana@例え.テスト" }).email).toBe("ana@xn--r8jz45g.xn--zckzah");
    expect(accepted({ email: "ana@пример.рф" }).email).toBe("ana@xn--e1afmkfd.xn--p1ai");
    expect(rejected({ email: "ana@bü cher.de" }).field).toBe("email");
  });

  it.each([
    "plainaddress",
    "@example.com",
    "jane@",
    "jane@example",
    "jane doe@example.com",
    "jane@@example.com",
    "jane@exa mple.com",
    "jane..doe@example.com",
    "<jane@example.com>",
  ])("rejects %j", (email) => {
    const error = rejected({ email });
    expect(error.field).toBe("email");
    expect(error.message).toMatch(/^Email /);
  });

  it("requires an email that is text", () => {
    for (const body of [{}, { email: "" }, { email: "   " }, { email: 42 }, { email: null }]) {
      const error = rejected(body);
      expect(error.field).toBe("email");
      expect(error.message).toMatch(/^Email /);
    }
  });
});

describe("parseSignup optional fields", () => {
  it("turns empty and blank optional fields into undefined", () => {
    const input = accepted({
      email: "jane@example.com",
      firstName: "",
      timezone: "   ",
      source: "",
      utm_source: "",
      utm_medium: " ",
      utm_campaign: "",
    });
    expect(input.firstName).toBeUndefined();
    expect(input.timezone).toBeUndefined();
    expect(input.source).toBeUndefined();
    expect(input.utm_source).toBeUndefined();
    expect(input.utm_medium).toBeUndefined();
    expect(input.utm_campaign).toBeUndefined();
  });

  it("keeps filled optional fields, trimmed", () => {
    const input = accepted({ email: "jane@example.com", firstName: "  Jane ", source: "article", utm_campaign: "spring" });
    expect(input.firstName).toBe("Jane");
    expect(input.source).toBe("article");
    expect(input.utm_campaign).toBe("spring");
  });

  it.each(["Ja\u0000ne", "Jane\nDoe", "Jane\r\nClick here", "Ja\u001bne", "Jane\u007f", "Jane\u202Eeod", "Ja\tne"])(
    "refuses a firstName with control characters or line breaks: %j",
    (firstName) => {
      const error = rejected({ email: "jane@example.com", firstName });
      expect(error.field).toBe("firstName");
      expect(error.message).toMatch(/^firstName must not contain control characters/);
    },
  );

  it.each([
    "https://evil.example/login",
    "http://x",
    "Visit www.prizes.example",
    "evil.example",
    "Ana see bit.ly/abc",
    "ftp://files",
  ])("refuses a firstName that carries a link: %j", (firstName) => {
    const error = rejected({ email: "jane@example.com", firstName });
    expect(error.field).toBe("firstName");
    expect(error.message).toBe("firstName must be a name, not a link");
  });

  it.each(["ana@example.com", "@ana", "Ana @ home"])("refuses a firstName with an @: %j", (firstName) => {
    const error = rejected({ email: "jane@example.com", firstName });
    expect(error.field).toBe("firstName");
    expect(error.message).toBe("firstName must be a name, not an email address");
  });

  it("bounds firstName at 40 characters, counted as people count them", () => {
    expect(FIRST_NAME_MAX).toBe(40);
    expect(accepted({ email: "jane@example.com", firstName: "Jo".repeat(20) }).firstName).toHaveLength(40);
    const error = rejected({ email: "jane@example.com", firstName: "J".repeat(41) });
    expect(error).toEqual({ field: "firstName", message: "firstName must be at most 40 characters" });
    // 40 emoji are 80 UTF-16 units but 40 characters.
    expect(accepted({ email: "jane@example.com", firstName: "😀".repeat(40) }).firstName).toBe("😀".repeat(40));
    expect(rejected({ email: "jane@example.com", firstName: "x".repeat(10_000) }).field).toBe("firstName");
  });

  it("accepts real names: accents, apostrophes, hyphens, initials, other scripts", () => {
    for (const name of ["Zoë", "O'Connor", "Ana-María", "J.R.", "St. John", "李小龍", "Nguyễn Thị", "D'Arcy"]) {
      expect(accepted({ email: "jane@example.com", firstName: name }).firstName, name).toBe(name);
    }
    expect(accepted({ email: "jane@example.com", firstName: " Mary   Ann " }).firstName).toBe("Mary Ann");
  });

  it("normalises case only where it is clearly wrong", () => {
    expect(accepted({ email: "jane@example.com", firstName: "ANA" }).firstName).toBe("Ana");
    expect(accepted({ email: "jane@example.com", firstName: "ana" }).firstName).toBe("Ana");
    expect(normaliseNameCase("ana-maría o'neil")).toBe("Ana-María O'Neil");
    expect(normaliseNameCase("MARY ANN")).toBe("Mary Ann");
    for (const kept of ["McDonald", "DeShawn", "d'Arcy", "AJ", "J.R.", "李小龍", "Ana"]) expect(normaliseNameCase(kept)).toBe(kept);
  });

  it("accepts an IANA time zone and rejects an unknown one", () => {
    expect(accepted({ email: "jane@example.com", timezone: "Europe/Lisbon" }).timezone).toBe("Europe/Lisbon");
    const error = rejected({ email: "jane@example.com", timezone: "Mars/X" });
    expect(error.field).toBe("timezone");
    expect(error.message).toMatch(/^timezone /);
  });

  it("ignores unknown extra fields", () => {
    const input = accepted({ email: "jane@example.com", isAdmin: true, status: "confirmed", nested: { a: 1 } });
    expect(input).toEqual({ email: "jane@example.com" });
    expect(Object.keys(input)).not.toContain("isAdmin");
    expect(Object.keys(input)).not.toContain("status");
  });
});

describe("isBot", () => {
  it("is true only when the honeypot holds something other than whitespace", () => {
    expect(isBot(accepted({ email: "jane@example.com" }))).toBe(false);
    expect(isBot(accepted({ email: "jane@example.com", website: "" }))).toBe(false);
    expect(isBot(accepted({ email: "jane@example.com", website: "  \t " }))).toBe(false);
    expect(isBot(accepted({ email: "jane@example.com", website: "http://spam.example" }))).toBe(true);
    expect(isBot(accepted({ email: "jane@example.com", website: " x " }))).toBe(true);
  });
});

describe("the consent wording a signup stores", () => {
  it("says the series carries product suggestions with links the clinic may earn from, under a new version", () => {
    expect(CONSENT_FORM_VERSION).toBe("2026-12-landing-v2");
    expect(CONSENT_WORDING).toMatch(/short series of educational emails/);
    expect(CONSENT_WORDING).toMatch(/suggests supportive tools and supplements/);
    expect(CONSENT_WORDING).toMatch(/may earn a commission/);
    expect(CONSENT_WORDING).toMatch(/unsubscribe at any time/);
    // v3 (issue 27, item 7): the confirmation email mentions commissions, like the form.
    expect(CONFIRM_CONSENT.formVersion).toBe("confirm-email-v3");
    expect(CONFIRM_CONSENT.wording).toMatch(/supportive tools and supplements, with links the clinic may earn a commission from/);
  });
});
