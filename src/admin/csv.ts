/**
 * CSV (RFC 4180): fields quoted when they hold a comma, quote or line break, quotes doubled,
 * CRLF line ends. A cell that a spreadsheet would run as a formula (= + - @, tab, CR) gets a
 * leading apostrophe (OWASP "CSV injection"): addresses and UTM labels come from the public form.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
