import { createHash } from "node:crypto";

/** The one spelling of an address we store and hash: trimmed, lower-cased (as signup stores it). */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * sha256 of the normalised address, hex. What an erased-and-suppressed address leaves behind:
 * enough to recognise it at signup, not enough to email it.
 */
export function emailHash(email: string): string {
  return createHash("sha256").update(normaliseEmail(email)).digest("hex");
}
