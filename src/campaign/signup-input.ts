import { domainToASCII } from "node:url";
import { z } from "zod";
import { isValidTimeZone } from "../config.js";

/** Pure edge validation of a signup: unknown fields ignored (forms grow hidden ones), known bounded. */
const optionalText = (max: number) =>
  z
    .string({ error: "must be text" })
    .max(max * 4, `must be at most ${max} characters`)
    // Control characters have no place in a name or a campaign label.
    .transform((v) => v.replace(/[\u0000-\u001f\u007f]/g, " ").trim())
    .refine((v) => v.length <= max, `must be at most ${max} characters`)
    .optional()
    .transform((v) => (v ? v : undefined));

/** The campaign labels' limits; the landing page cuts a carried value to them, so it stays valid. */
export const LABEL_MAX = { source: 100, utm_source: 200, utm_medium: 200, utm_campaign: 200 } as const;

/** Longer than any first name people use, short enough that it cannot carry a message. */
export const FIRST_NAME_MAX = 40;

// Control characters (a tab, a newline, ESC…), line/paragraph separators and bidi overrides,
// which can make text read differently from what it is.
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]/u;
// A scheme, "www.", or a host-like word such as "evil.example": a name never contains one.
const LINK = /[a-z][a-z0-9+.-]*:\/\/|www\.|[\p{L}\p{N}-]\.[\p{L}]{2,}/iu;

/**
 * "ANA" and "ana" → "Ana"; "ana-maría o'neil" → "Ana-María O'Neil". Only when the case is
 * clearly wrong (all upper or all lower): "McDonald", "DeShawn" and "d'Arcy" stay as typed,
 * as do initials ("AJ", "J.R.") and scripts without case.
 */
export function normaliseNameCase(name: string): string {
  const hasCase = name.toLowerCase() !== name.toUpperCase();
  if (!hasCase) return name;
  const allLower = name === name.toLowerCase();
  const allUpper = name === name.toUpperCase();
  if (!allLower && !allUpper) return name;
  // "AJ", "J.R.": capitals in a short word are initials more likely than caps lock.
  if (allUpper && name.split(/[\s\-'’.]+/).some((part) => part !== "" && [...part].length <= 2)) return name;
  return name.toLowerCase().replace(/(^|[\s\-'’.])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());
}

/**
 * Anyone can type someone else's address with a "first name" that goes into an email from the
 * clinic's domain: a link or message there would be a phishing vector (issue 15). So a name with a
 * link, an `@` or control characters is refused (400 naming the field), not cleaned up.
 */
const firstName = z
  .string({ error: "must be text" })
  .max(FIRST_NAME_MAX * 4, `must be at most ${FIRST_NAME_MAX} characters`)
  .trim()
  .refine((v) => !CONTROL.test(v), "must not contain control characters or line breaks")
  .refine((v) => !v.includes("@"), "must be a name, not an email address")
  .refine((v) => !LINK.test(v), "must be a name, not a link")
  // Characters as people count them (code points), not UTF-16 units.
  .refine((v) => [...v].length <= FIRST_NAME_MAX, `must be at most ${FIRST_NAME_MAX} characters`)
  .transform((v) => normaliseNameCase(v.replace(/\s+/g, " ")))
  .optional()
  .transform((v) => (v ? v : undefined));

/** RFC 5321 §4.5.3.1.1: a local part is at most 64 octets. */
export const LOCAL_PART_MAX = 64;
export const DNS_LABEL_MAX = 63;

/**
 * An internationalised domain in its ASCII (punycode, RFC 5891) form, the one DNS and mail
 * servers use: "user@bücher.de" and "user@xn--bcher-kva.de" are one address, stored once
 * (issue 17). WHATWG's domain-to-ASCII (UTS #46) also lower-cases and normalises; a domain it
 * cannot convert is left as typed for the address check to refuse.
 */
export function asciiDomain(address: string): string {
  const at = address.lastIndexOf("@");
  if (at < 0) return address;
  const domain = address.slice(at + 1);
  if (/^[\x00-\x7f]*$/.test(domain)) return address;
  const ascii = domainToASCII(domain);
  return ascii ? `${address.slice(0, at)}@${ascii}` : address;
}

/** zod's address pattern, plus punycode TLDs ("xn--p1ai" is .рф), which its letters-only TLD refuses. */
const EMAIL_PATTERN =
  /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+(?:[A-Za-z]{2,}|xn--[A-Za-z0-9-]+)$/;

export const signupSchema = z.object({
  email: z
    .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be text") })
    .trim()
    .toLowerCase()
    .min(1, "is required")
    // Bounded before any work on it; the real limit is checked on the ASCII form below.
    .max(1024, "must be at most 254 characters")
    .transform(asciiDomain)
    // RFC 5321: a path is at most 256 octets with its brackets, so an address at most 254.
    .refine((v) => v.length <= 254, "must be at most 254 characters")
    .refine((v) => Buffer.byteLength(v.slice(0, Math.max(0, v.lastIndexOf("@"))), "utf8") <= LOCAL_PART_MAX, {
      message: `must have at most ${LOCAL_PART_MAX} characters before the @`,
    })
    // RFC 1035 §2.3.4: a DNS label is at most 63 octets; a longer one names no mail server.
    .refine((v) => v.slice(v.lastIndexOf("@") + 1).split(".").every((label) => label.length <= DNS_LABEL_MAX), {
      message: `must have at most ${DNS_LABEL_MAX} characters between the dots of its domain`,
    })
    .pipe(z.email({ pattern: EMAIL_PATTERN, error: "must be a valid email address, like name@example.com" })),
  firstName,
  timezone: optionalText(64).refine((v) => v === undefined || isValidTimeZone(v), {
    message: "must be an IANA time zone such as Europe/Lisbon",
  }),
  source: optionalText(LABEL_MAX.source),
  utm_source: optionalText(LABEL_MAX.utm_source),
  utm_medium: optionalText(LABEL_MAX.utm_medium),
  utm_campaign: optionalText(LABEL_MAX.utm_campaign),
  // Honeypot: people never see it, bots fill it in.
  website: z.string().optional(),
});

export type SignupInput = z.infer<typeof signupSchema>;

export interface SignupFieldError {
  field: string;
  message: string;
}

export function parseSignup(
  body: unknown,
): { ok: true; input: SignupInput } | { ok: false; error: SignupFieldError } {
  const parsed = signupSchema.safeParse(body);
  if (parsed.success) return { ok: true, input: parsed.data };
  const issue = parsed.error.issues[0]!;
  const field = String(issue.path[0] ?? "body");
  const label = field === "email" ? "Email" : field;
  return { ok: false, error: { field, message: `${label} ${issue.message}` } };
}

export function isBot(input: SignupInput): boolean {
  return (input.website ?? "").trim() !== "";
}
