import { z } from "zod";
import { isValidTimeZone } from "../config.js";

/**
 * What a signup may carry, validated at the edge. Pure: unit-tested without I/O.
 * Unknown fields are ignored (forms grow hidden fields); known ones are bounded.
 */
const optionalText = (max: number) =>
  z
    .string({ error: "must be text" })
    .max(max * 4, `must be at most ${max} characters`)
    // Control characters have no place in a name or a campaign label.
    .transform((v) => v.replace(/[\u0000-\u001f\u007f]/g, " ").trim())
    .refine((v) => v.length <= max, `must be at most ${max} characters`)
    .optional()
    .transform((v) => (v ? v : undefined));

export const signupSchema = z.object({
  email: z
    .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be text") })
    .trim()
    .toLowerCase()
    .min(1, "is required")
    // RFC 5321: a path is at most 256 octets with its brackets, so an address at most 254.
    .max(254, "must be at most 254 characters")
    .pipe(z.email({ error: "must be a valid email address, like name@example.com" })),
  firstName: optionalText(100),
  timezone: optionalText(64).refine((v) => v === undefined || isValidTimeZone(v), {
    message: "must be an IANA time zone such as Europe/Lisbon",
  }),
  source: optionalText(100),
  utm_source: optionalText(200),
  utm_medium: optionalText(200),
  utm_campaign: optionalText(200),
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
