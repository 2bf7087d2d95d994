/**
 * First names are user input from the signup form. Signup refuses the dangerous forms (links,
 * `@`, control characters; src/campaign/signup-input.ts), but rows from before that rule exist,
 * so a name is still shown only as text (React escapes it in HTML) with control characters and
 * runs of whitespace collapsed.
 *
 * Names never go into a subject line: a subject shows on a lock screen, and a health topic next
 * to a person's name there is a privacy choice the reader did not make (issue 15). The greeting
 * inside the email uses it.
 */
export function displayFirstName(firstName: string | null | undefined): string | null {
  if (typeof firstName !== "string") return null;
  const cleaned = firstName.replace(/[\p{Cc}\p{Zl}\p{Zp}\s]+/gu, " ").trim();
  return cleaned === "" ? null : cleaned;
}
