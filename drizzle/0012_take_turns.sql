-- Several turns of one endpoint in one round trip (issue 28): a run claims its endpoint's next
-- due calls together (src/outbound/send.ts `followLine`) and asks for their turns together, each
-- paced exactly as 0011's `webhook_take_turn` paces one (which stays, for a worker not yet
-- restarted: both keep the same row). One row per lease, in the order given: `wait_ms` (its start
-- from now) when it has a turn; otherwise every call is in flight and `again` is when the first of
-- them ends at the latest.
create function webhook_take_turns(p_endpoint uuid, p_leases uuid[], p_hold_seconds integer,
                                   p_concurrency integer, p_per_second integer, p_window_ms integer)
returns table (lease uuid, wait_ms double precision, again timestamptz)
language plpgsql as $fn$
declare
  t webhook_turns;
  v_now timestamptz;
  v_at timestamptz;
  v_due timestamptz;
  v_spacing interval := make_interval(secs => p_window_ms / 1000.0 / p_per_second);
  v_leases uuid[];
  v_ends timestamptz[];
  v_lease uuid;
begin
  select * into t from webhook_turns where endpoint_id = p_endpoint for update;
  if not found then
    insert into webhook_turns (endpoint_id) values (p_endpoint) on conflict do nothing;
    select * into t from webhook_turns where endpoint_id = p_endpoint for update;
  end if;
  v_now := clock_timestamp();
  select coalesce(array_agg(l order by e), '{}'), coalesce(array_agg(e order by e), '{}') into v_leases, v_ends
    from unnest(t.leases, t.lease_ends) as x(l, e) where e > v_now and l <> all(p_leases);
  select greatest(v_now, max(s)) into v_due from unnest(t.starts) s;
  foreach v_lease in array p_leases loop
    lease := v_lease;
    if cardinality(v_leases) >= p_concurrency then
      wait_ms := null;
      select min(e) into again from unnest(v_ends) e;
    else
      v_at := greatest(v_now, v_due - v_spacing * (p_concurrency - 1));
      wait_ms := extract(epoch from v_at - v_now) * 1000;
      again := null;
      v_due := v_due + v_spacing;
      v_leases := v_leases || v_lease;
      v_ends := v_ends || (v_at + make_interval(secs => p_hold_seconds));
    end if;
    return next;
  end loop;
  update webhook_turns set starts = array[v_due], leases = v_leases, lease_ends = v_ends
   where endpoint_id = p_endpoint;
end $fn$;
