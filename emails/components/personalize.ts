/**
 * First names are user input from the signup form: shown as text (React escapes them in HTML),
 * but control characters and runs of whitespace are collapsed so a name can never break a
 * subject line (a header) or the layout.
 */
export function displayFirstName(firstName: string | null | undefined): string | null {
  if (typeof firstName !== "string") return null;
  const cleaned = firstName.replace(/[\p{Cc}\p{Zl}\p{Zp}\s]+/gu, " ").trim();
  return cleaned === "" ? null : cleaned;
}

/** Subjects longer than this get cut off on most phones; a long name falls back to the plain title. */
export const SUBJECT_MAX_LENGTH = 80;

/** "Ana, your guide is here" when a usable name fits, otherwise the title itself. */
export function personalSubject(firstName: string | null | undefined, title: string): string {
  const name = displayFirstName(firstName);
  if (name === null) return title;
  const personal = `${name}, ${title.charAt(0).toLowerCase()}${title.slice(1)}`;
  return personal.length <= SUBJECT_MAX_LENGTH ? personal : title;
}
