CREATE TABLE "webhook_turns" (
	"endpoint_id" uuid PRIMARY KEY NOT NULL,
	"starts" timestamp with time zone[] DEFAULT '{}' NOT NULL,
	"leases" uuid[] DEFAULT '{}' NOT NULL,
	"lease_ends" timestamp with time zone[] DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "lease" uuid;--> statement-breakpoint
ALTER TABLE "webhook_turns" ADD CONSTRAINT "webhook_turns_endpoint_id_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- A webhook call is one kind on the one pipeline (issue 28): a claim has an owner (deliveries.lease,
-- written by each claim) and each endpoint's share is counted here, for every process together.
-- An endpoint's share, summed over every worker process (DESIGN.md invariant 10): at most
-- p_concurrency calls in flight and p_per_second started within any p_window_ms. Under the
-- endpoint's row lock, so two processes cannot both take the last turn; clock_timestamp() is read
-- after the lock, so the wait for it never backdates a start. A lease stops counting at its end
-- (a killed worker's call). `again` null: the turn is taken; otherwise `busy` (all in flight:
-- when one ends is unknown) or the moment the window frees a start.
create or replace function webhook_take_turn(p_endpoint uuid, p_lease uuid, p_hold_seconds integer,
                                             p_concurrency integer, p_per_second integer, p_window_ms integer,
                                             out again timestamptz, out busy boolean)
language plpgsql as $fn$
declare
  t webhook_turns;
  v_now timestamptz;
  v_starts timestamptz[];
  v_leases uuid[];
  v_ends timestamptz[];
begin
  select * into t from webhook_turns where endpoint_id = p_endpoint for update;
  if not found then
    insert into webhook_turns (endpoint_id) values (p_endpoint) on conflict do nothing;
    select * into t from webhook_turns where endpoint_id = p_endpoint for update;
  end if;
  v_now := clock_timestamp();
  select coalesce(array_agg(s order by s), '{}') into v_starts
    from unnest(t.starts) s where s > v_now - make_interval(secs => p_window_ms / 1000.0);
  select coalesce(array_agg(l order by e), '{}'), coalesce(array_agg(e order by e), '{}') into v_leases, v_ends
    from unnest(t.leases, t.lease_ends) as x(l, e) where e > v_now and l <> p_lease;
  busy := cardinality(v_leases) >= p_concurrency;
  if busy then
    again := v_ends[1];
  elsif cardinality(v_starts) >= p_per_second then
    again := v_starts[cardinality(v_starts) - p_per_second + 1] + make_interval(secs => p_window_ms / 1000.0);
  end if;
  if again is null then
    v_starts := v_starts || v_now;
    v_leases := v_leases || p_lease;
    v_ends := v_ends || (v_now + make_interval(secs => p_hold_seconds));
  end if;
  update webhook_turns set starts = v_starts, leases = v_leases, lease_ends = v_ends where endpoint_id = p_endpoint;
end $fn$;
--> statement-breakpoint
-- The call under p_lease is over: its turn is free for the next.
create or replace function webhook_give_turn(p_endpoint uuid, p_lease uuid) returns void
language sql as $fn$
  update webhook_turns
     set (leases, lease_ends) = (select coalesce(array_agg(l order by e), '{}'), coalesce(array_agg(e order by e), '{}')
                                   from unnest(leases, lease_ends) as x(l, e) where l <> p_lease)
   where endpoint_id = p_endpoint and p_lease = any(leases)
$fn$;
