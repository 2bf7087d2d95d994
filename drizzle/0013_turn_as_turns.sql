-- One pacing, not two (issue 28): 0011's `webhook_take_turn`, kept for a worker not yet restarted
-- after 0012, becomes the one-lease case of 0012's `webhook_take_turns` instead of a copy of its
-- body. Same signature and answers: `busy` with `again` when every call is in flight, otherwise
-- the start `wait_ms` from now.
create or replace function webhook_take_turn(p_endpoint uuid, p_lease uuid, p_hold_seconds integer,
                                             p_concurrency integer, p_per_second integer, p_window_ms integer,
                                             out again timestamptz, out busy boolean, out wait_ms double precision)
language sql as $fn$
  select t.again, t.again is not null, t.wait_ms
    from webhook_take_turns(p_endpoint, array[p_lease], p_hold_seconds, p_concurrency, p_per_second, p_window_ms) t
$fn$;
