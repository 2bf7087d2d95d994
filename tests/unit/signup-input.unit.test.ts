import { describe, expect, it } from "vitest";
import { isBot, parseSignup, type SignupInput } from "../../src/campaign/signup-input.js";

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

  it("replaces control characters in firstName and trims the result", () => {
    const input = accepted({ email: "jane@example.com", firstName: "\tJa\u0000ne\r\nDoe\u007f\u001b" });
    expect(input.firstName).toBeDefined();
    expect(input.firstName).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(input.firstName).toBe(input.firstName?.trim());
    expect(input.firstName).toMatch(/^Ja ne\s+Doe$/);
  });

  it("turns a firstName of only control characters into undefined", () => {
    expect(accepted({ email: "jane@example.com", firstName: "\u0000\n\t" }).firstName).toBeUndefined();
  });

  it("bounds firstName at 100 characters", () => {
    expect(accepted({ email: "jane@example.com", firstName: "J".repeat(100) }).firstName).toHaveLength(100);
    expect(rejected({ email: "jane@example.com", firstName: "J".repeat(101) }).field).toBe("firstName");
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
