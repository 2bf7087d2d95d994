/**
 * What stays of a provider event once the person it was about has been erased: enough for the
 * counts (type, time, message id, step tag, clicked link, bounce type), nothing that names or
 * locates them (address, subject, IP, user agent, bounce message that may quote the address).
 */
export function anonymisePayload(payload: unknown): Record<string, unknown> {
  const p = record(payload);
  const data = record(p.data);
  const out: Record<string, unknown> = {};
  if (typeof data.email_id === "string") out.email_id = data.email_id;
  if (typeof data.created_at === "string") out.created_at = data.created_at;
  if (data.tags !== undefined && data.tags !== null && typeof data.tags === "object") out.tags = data.tags;
  const click = record(data.click);
  if (typeof click.link === "string") out.click = { link: click.link };
  const bounce = record(data.bounce);
  if (typeof bounce.type === "string") {
    out.bounce = { type: bounce.type, ...(typeof bounce.subType === "string" ? { subType: bounce.subType } : {}) };
  }
  return {
    type: typeof p.type === "string" ? p.type : "unknown",
    ...(typeof p.created_at === "string" ? { created_at: p.created_at } : {}),
    data: out,
    anonymised: true,
  };
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
