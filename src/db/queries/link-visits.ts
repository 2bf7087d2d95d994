import type postgres from "postgres";

/** The SQL behind the signals (src/signals/): recording a fetch of our links, and settling it. */

export interface VisitInput {
  /** The reader, when the token names them (guide, unsubscribe); else the delivery's. */
  subscriberId: string | undefined;
  /** The email the link was in, when the token names it. */
  deliveryId: number | undefined;
  link: string;
  ip: string | undefined;
  userAgent: string | undefined;
  /** What the request alone says (src/signals/rules.ts requestRule), if anything. */
  requestReason: string | undefined;
}

/**
 * Records one fetch and judges it, in one transaction. The email's row is locked first, so its
 * fetches are judged one after the other (the judging statement's snapshot follows the lock) and
 * two fetched at once cannot both miss the burst, which marks its earlier fetches too (none is
 * settled yet). Returns the row's id and the rule that flagged it (null: a person's).
 */
export async function recordVisit(
  sql: postgres.Sql,
  v: VisitInput,
  rules: { burstSeconds: number; earlySeconds: number; burstAddressMinutes: number },
): Promise<{ id: number; automated: string | null }> {
  return sql.begin(async (tx) => {
    let subscriberId = v.subscriberId ?? null;
    let sentAt: Date | null = null;
    let deliveryId: number | null = null;
    if (v.deliveryId !== undefined) {
      const [d] = await tx<{ subscriberId: string | null; sentAt: Date | null }[]>`
        select subscriber_id as "subscriberId", sent_at as "sentAt" from deliveries where id = ${v.deliveryId} for update`;
      // A token outlives nothing it names: an erased reader's deliveries stay, a purged one's go.
      if (d) {
        deliveryId = v.deliveryId;
        sentAt = d.sentAt;
        subscriberId ??= d.subscriberId;
      }
    }
    const [row] = await tx<{ id: number; automated: string | null }[]>`
      with peers as (
        select id from link_visits
         where delivery_id = ${deliveryId} and link <> ${v.link}
           and visited_at > now() - make_interval(secs => ${rules.burstSeconds})
      ), judged as (
        select coalesce(${v.requestReason ?? null}::text,
               case when exists (select 1 from peers) then 'burst'
                    when exists (select 1 from link_visits
                                  where ip = ${v.ip ?? null} and automated = 'burst'
                                    and visited_at > now() - make_interval(mins => ${rules.burstAddressMinutes})) then 'burst-address'
                    when ${sentAt}::timestamptz > now() - make_interval(secs => ${rules.earlySeconds}) then 'early'
               end) as automated
      ), flipped as (
        update link_visits set automated = 'burst', settled = true
         where id in (select id from peers) and automated is null and not settled
      )
      insert into link_visits (subscriber_id, delivery_id, link, ip, user_agent, automated, settled)
      select (select id from subscribers where id = ${subscriberId}::uuid), ${deliveryId}, ${v.link}, ${v.ip ?? null},
             ${v.userAgent ?? null}, j.automated, j.automated is not null
        from judged j
      returning id, automated`;
    return row!;
  });
}

/**
 * Settles every person's fetch older than `settleSeconds` (docs/compliance.md "Settling"): a guide
 * fetch becomes a counted download, a reader's repeats within `downloadWindowSeconds` once (the
 * unique index decides). Safe anywhere at once: one statement settles a row. Returns how many.
 */
export async function settleVisits(sql: postgres.Sql, settleSeconds: number, downloadWindowSeconds: number): Promise<number> {
  const [row] = await sql<{ settled: number }[]>`
    with settled as (
      update link_visits set settled = true
       where not settled and visited_at <= now() - make_interval(secs => ${settleSeconds})
       returning subscriber_id, link, automated, user_agent, visited_at
    ), counted as (
      insert into guide_downloads (subscriber_id, user_agent, counted_window, downloaded_at)
      select subscriber_id, user_agent, floor(extract(epoch from visited_at) / ${downloadWindowSeconds})::bigint, visited_at
        from settled
       where link = 'guide' and automated is null
       order by visited_at
      on conflict (subscriber_id, counted_window) do nothing
    )
    select count(*)::int as settled from settled`;
  return row?.settled ?? 0;
}
