import type postgres from "postgres";
import { addRollupRows, expandLateral, ORPHAN_ID } from "../stats-functions.js";

/**
 * Folds the engagement older than `days` (downloads, link fetches, opens, clicks) of up to `limit`
 * subscribers into engagement_archive — their contribution before minus after, so no number moves —
 * and deletes it. REPEATABLE READ: before, delete and after see one snapshot, so a fetch committed
 * meanwhile is neither archived nor lost. Returns how many subscribers it folded.
 */
export async function foldOldEngagement(sql: postgres.Sql, days: number, limit: number): Promise<number> {
  return sql.begin("isolation level repeatable read", async (tx) => {
    const [row] = await tx<{ ids: string[] }[]>`
      with cutoff as (select now() - make_interval(days => ${days}) as at)
      select array(
        select distinct id from (
          select coalesce(subscriber_id, ${ORPHAN_ID}::uuid) as id from guide_downloads where downloaded_at < (select at from cutoff)
          union all
          select coalesce(subscriber_id, ${ORPHAN_ID}::uuid) from link_visits where visited_at < (select at from cutoff)
          union all
          select d.subscriber_id from email_events ev join deliveries d on d.id = ev.delivery_id
           where ev.type in ('email.opened', 'email.clicked') and d.subscriber_id is not null
             and coalesce(ev.occurred_at, ev.received_at) < (select at from cutoff)
        ) old limit ${limit}) as ids`;
    const ids = row?.ids ?? [];
    if (ids.length === 0) return 0;
    const orphan = ids.includes(ORPHAN_ID);
    await tx`create temp table engagement_before on commit drop as select * from stats_state_of(${ids}::uuid[])`;
    await tx`
      delete from guide_downloads
       where downloaded_at < now() - make_interval(days => ${days})
         and (subscriber_id = any(${ids}::uuid[]) or (${orphan} and subscriber_id is null))`;
    await tx`
      delete from link_visits
       where visited_at < now() - make_interval(days => ${days})
         and (subscriber_id = any(${ids}::uuid[]) or (${orphan} and subscriber_id is null))`;
    await tx`
      delete from email_events ev using deliveries d
       where d.id = ev.delivery_id and d.subscriber_id = any(${ids}::uuid[])
         and ev.type in ('email.opened', 'email.clicked')
         and coalesce(ev.occurred_at, ev.received_at) < now() - make_interval(days => ${days})`;
    const delta = `
      select e.* from engagement_before eb cross join ${expandLateral("eb", 1)} e
      union all
      select e.* from stats_state_of($1::uuid[]) ea cross join ${expandLateral("ea", -1)} e`;
    await tx.unsafe(addRollupRows("engagement_archive", delta), [ids]);
    return ids.length;
  });
}
