/**
 * "30 days", "1 day", "12 hours": how long a link works, for a reader. The TTL settings
 * (GUIDE_LINK_TTL_DAYS, PENDING_TTL_DAYS) may be fractional in demos. Shared by the emails and the
 * reader's pages, so they always say the same.
 */
export function describeDays(days: number): string {
  if (days >= 1) {
    const whole = Math.floor(days);
    return `${whole} ${whole === 1 ? "day" : "days"}`;
  }
  const hours = Math.max(1, Math.floor(days * 24));
  return `${hours} ${hours === 1 ? "hour" : "hours"}`;
}
