import { createHash } from "node:crypto";

/** The one spelling of an address we store and hash: trimmed, lower-cased (as signup stores it). */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Hex sha256 of the normalised address: what suppression keeps (recognisable, not mailable). */
export function emailHash(email: string): string {
  return createHash("sha256").update(normaliseEmail(email)).digest("hex");
}
