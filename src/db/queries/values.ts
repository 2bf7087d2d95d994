/**
 * drizzle's postgres-js driver switches the client's timestamp parsers off (it maps dates
 * itself), so raw queries on the shared client see timestamps as strings. Convert here.
 */
export function asDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

export function asDateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : asDate(value);
}
