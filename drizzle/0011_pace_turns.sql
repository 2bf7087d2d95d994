-- An endpoint's starts, paced (issue 28): one every p_window_ms / p_per_second on average, and
-- after a pause at most p_concurrency at once (a cell rate: the stored time is when the next start
-- is due, pushed on by one spacing at each start, never behind by more than p_concurrency - 1
-- spacings). 0010 gave p_per_second starts at once, then a wait: a burst's last call and the next
-- burst's first arrive close together at the receiver whenever a call is held up between its turn
-- and its arrival (a busy machine), and the share test saw 51 in one second. Paced, any 1,000 ms
-- of starts holds at most 45 of the 50, so the receiver's second stays within 50 unless five calls
-- are held up. A call not held back by the concurrency is given its start now or a few spacings
-- ahead (`wait_ms`, relative: the worker's clock need not agree with this one), and its lease
-- holds from it: one round trip per turn, never a second one to wait for the window. `again`
-- (with `busy`) is set only when every call is in flight. Same arguments as 0010's.
drop function if exists webhook_take_turn(uuid, uuid, integer, integer, integer, integer);
--> statement-breakpoint
create function webhook_take_turn(p_endpoint uuid, p_lease uuid, p_hold_seconds integer,
                                  p_concurrency integer, p_per_second integer, p_window_ms integer,
                                  out again timestamptz, out busy boolean, out wait_ms double precision)
language plpgsql as $fn$
declare
  t webhook_turns;
  v_now timestamptz;
  v_at timestamptz;
  v_due timestamptz;
  v_spacing interval := make_interval(secs => p_window_ms / 1000.0 / p_per_second);
  v_leases uuid[];
  v_ends timestamptz[];
begin
  select * into t from webhook_turns where endpoint_id = p_endpoint for update;
  if not found then
    insert into webhook_turns (endpoint_id) values (p_endpoint) on conflict do nothing;
    select * into t from webhook_turns where endpoint_id = p_endpoint for update;
  end if;
  v_now := clock_timestamp();
  select coalesce(array_agg(l order by e), '{}'), coalesce(array_agg(e order by e), '{}') into v_leases, v_ends
    from unnest(t.leases, t.lease_ends) as x(l, e) where e > v_now and l <> p_lease;
  busy := cardinality(v_leases) >= p_concurrency;
  if busy then
    again := v_ends[1];
    return;
  end if;
  select greatest(v_now, max(s)) into v_due from unnest(t.starts) s;
  v_at := greatest(v_now, v_due - v_spacing * (p_concurrency - 1));
  wait_ms := extract(epoch from v_at - v_now) * 1000;
  update webhook_turns
     set starts = array[v_due + v_spacing], leases = v_leases || p_lease, lease_ends = v_ends || (v_at + make_interval(secs => p_hold_seconds))
   where endpoint_id = p_endpoint;
end $fn$;
--> statement-breakpoint
-- A call's turn is given back by the statement that records its outcome (finished, released,
-- discarded: the row leaves `sending` under its lease), in the same transaction: one round trip
-- less per call, and no turn outlives its call's record. Rows without an endpoint (emails) are
-- passed over by the trigger's condition, without a function call.
create function webhook_turn_back() returns trigger
language plpgsql as $fn$
begin
  perform webhook_give_turn(old.endpoint_id, old.lease);
  return null;
end $fn$;
--> statement-breakpoint
create trigger deliveries_turn_back after update of state on deliveries for each row
  when (old.state = 'sending' and new.state <> 'sending' and old.endpoint_id is not null and old.lease is not null)
  execute function webhook_turn_back();
