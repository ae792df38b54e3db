/**
 * Budgets by reservation, decided inside PostgreSQL so any number of server processes share them
 * (DESIGN.md section 8). One counter row per budget window: the team's month in USD, each member's
 * month in USD and day in tokens. sb_admit locks the counters (always in the same order: the team's,
 * then the member's day, then the member's month), checks used + reserved + the call's worst case
 * against each limit, adds the reservation and writes the call row, all in one statement's
 * transaction. sb_settle replaces a reservation with what the call really used, once. A reservation
 * whose server process died (its heartbeat stopped) is settled by sb_expire as "interrupted", counted
 * at its reservation: never lost.
 *
 * Money is integer nano-USD, tokens are integers; windows are calendar days and months in the team's
 * time zone, computed here from the database clock so every replica agrees.
 */
export const sql = /* sql */ `
CREATE TABLE budget_counters (
  scope text NOT NULL CHECK (scope IN ('team_month_usd', 'member_day_tokens', 'member_month_usd')),
  -- '' for the team, the member id otherwise
  subject text NOT NULL,
  window_start date NOT NULL,
  used bigint NOT NULL DEFAULT 0,
  reserved bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (scope, subject)
);

CREATE TABLE replicas (
  id uuid PRIMARY KEY,
  host text NOT NULL,
  pid integer NOT NULL,
  started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  seen_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE calls (
  id uuid PRIMARY KEY,
  member_id uuid NOT NULL REFERENCES members (id),
  replica_id uuid NOT NULL,
  session_id text NOT NULL,
  time timestamptz NOT NULL,
  -- the windows this call is charged to (team time zone at admission)
  day date NOT NULL,
  month date NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  key_id uuid,
  status text NOT NULL CHECK (status IN ('reserved', 'ok', 'error', 'cancelled', 'interrupted')),
  error_code text,
  prompt_estimate integer NOT NULL,
  max_output integer NOT NULL,
  reserved_tokens bigint NOT NULL,
  -- null: the model's price is unknown
  reserved_nano bigint,
  pricing jsonb,
  pricing_tiers jsonb,
  input_tokens bigint NOT NULL DEFAULT 0,
  cache_read_tokens bigint NOT NULL DEFAULT 0,
  cache_write_tokens bigint NOT NULL DEFAULT 0,
  output_tokens bigint NOT NULL DEFAULT 0,
  reasoning_tokens bigint NOT NULL DEFAULT 0,
  estimated boolean NOT NULL DEFAULT false,
  cost_nano bigint,
  latency_ms integer,
  ttft_ms integer,
  attempt integer NOT NULL DEFAULT 1,
  fallback_of uuid,
  settled_at timestamptz
);
CREATE INDEX calls_time ON calls (time);
CREATE INDEX calls_member_time ON calls (member_id, time);
CREATE INDEX calls_open ON calls (replica_id) WHERE status = 'reserved';

-- Locks the member's two counters (day, then month), creating them on a member's first call.
CREATE FUNCTION sb_lock_member(p_member text, p_day date, p_month date) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO budget_counters (scope, subject, window_start)
  VALUES ('member_day_tokens', p_member, p_day), ('member_month_usd', p_member, p_month)
  ON CONFLICT DO NOTHING;
  PERFORM 1 FROM budget_counters WHERE scope = 'member_day_tokens' AND subject = p_member FOR UPDATE;
  PERFORM 1 FROM budget_counters WHERE scope = 'member_month_usd' AND subject = p_member FOR UPDATE;
END $$;

-- A counter row moved into the window given (zeroed when it held another window), locked by the caller.
CREATE FUNCTION sb_roll(p_scope text, p_subject text, p_window date) RETURNS budget_counters
LANGUAGE plpgsql AS $$
DECLARE c budget_counters;
BEGIN
  UPDATE budget_counters SET window_start = p_window, used = 0, reserved = 0
  WHERE scope = p_scope AND subject = p_subject AND window_start <> p_window;
  SELECT * INTO c FROM budget_counters WHERE scope = p_scope AND subject = p_subject;
  RETURN c;
END $$;

CREATE FUNCTION sb_admit(
  p_id uuid, p_member uuid, p_replica uuid, p_session text,
  p_provider text, p_model text, p_key uuid,
  p_prompt integer, p_max_output integer, p_tokens bigint, p_nano bigint,
  p_pricing jsonb, p_tiers jsonb, p_attempt integer, p_fallback_of uuid
) RETURNS TABLE (
  admitted boolean, scope text, limit_value bigint, used bigint, reserved bigint,
  resets_at timestamptz, call_time timestamptz, time_zone text
)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  v_now timestamptz := clock_timestamp();
  v_tz text; v_team_cap bigint; v_daily bigint; v_monthly bigint;
  v_local timestamp; v_day date; v_month date;
  v_next_day timestamptz; v_next_month timestamptz;
  tc budget_counters; md budget_counters; mm budget_counters;
  v_member text := p_member::text;
BEGIN
  PERFORM 1 FROM budget_counters WHERE budget_counters.scope = 'team_month_usd' AND subject = '' FOR UPDATE;
  SELECT t.time_zone, t.monthly_usd_nano INTO v_tz, v_team_cap FROM team t WHERE t.id = 1;
  v_local := v_now AT TIME ZONE v_tz;
  v_day := v_local::date;
  v_month := date_trunc('month', v_local)::date;
  v_next_day := (v_day + 1)::timestamp AT TIME ZONE v_tz;
  v_next_month := (v_month + interval '1 month')::timestamp AT TIME ZONE v_tz;

  SELECT m.daily_tokens, m.monthly_usd_nano INTO v_daily, v_monthly FROM members m WHERE m.id = p_member AND m.removed_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'member % is not on the team', p_member USING ERRCODE = 'P0002';
  END IF;
  PERFORM sb_lock_member(v_member, v_day, v_month);
  tc := sb_roll('team_month_usd', '', v_month);
  md := sb_roll('member_day_tokens', v_member, v_day);
  mm := sb_roll('member_month_usd', v_member, v_month);

  IF v_daily IS NOT NULL AND md.used + md.reserved + p_tokens > v_daily THEN
    RETURN QUERY SELECT false, 'member_daily_tokens'::text, v_daily, md.used, md.reserved, v_next_day, v_now, v_tz;
    RETURN;
  END IF;
  IF v_monthly IS NOT NULL AND (p_nano IS NULL OR mm.used + mm.reserved + p_nano > v_monthly) THEN
    RETURN QUERY SELECT false, CASE WHEN p_nano IS NULL THEN 'member_monthly_usd_unpriced' ELSE 'member_monthly_usd' END,
      v_monthly, mm.used, mm.reserved, v_next_month, v_now, v_tz;
    RETURN;
  END IF;
  IF v_team_cap IS NOT NULL AND (p_nano IS NULL OR tc.used + tc.reserved + p_nano > v_team_cap) THEN
    RETURN QUERY SELECT false, CASE WHEN p_nano IS NULL THEN 'team_monthly_usd_unpriced' ELSE 'team_monthly_usd' END,
      v_team_cap, tc.used, tc.reserved, v_next_month, v_now, v_tz;
    RETURN;
  END IF;

  UPDATE budget_counters SET reserved = budget_counters.reserved + coalesce(p_nano, 0)
  WHERE (budget_counters.scope = 'team_month_usd' AND subject = '') OR (budget_counters.scope = 'member_month_usd' AND subject = v_member);
  UPDATE budget_counters SET reserved = budget_counters.reserved + p_tokens
  WHERE budget_counters.scope = 'member_day_tokens' AND subject = v_member;
  INSERT INTO calls (id, member_id, replica_id, session_id, time, day, month, provider, model, key_id, status,
    prompt_estimate, max_output, reserved_tokens, reserved_nano, pricing, pricing_tiers, attempt, fallback_of)
  VALUES (p_id, p_member, p_replica, p_session, v_now, v_day, v_month, p_provider, p_model, p_key, 'reserved',
    p_prompt, p_max_output, p_tokens, p_nano, p_pricing, p_tiers, p_attempt, p_fallback_of);
  RETURN QUERY SELECT true, NULL::text, NULL::bigint, NULL::bigint, NULL::bigint, NULL::timestamptz, v_now, v_tz;
END $$;

-- Settles a reservation once: with the usage given, or with p_status 'expired' as "interrupted" at
-- its reservation. A call already settled is returned unchanged.
CREATE FUNCTION sb_settle(
  p_id uuid, p_status text, p_input bigint, p_cache_read bigint, p_cache_write bigint, p_output bigint,
  p_reasoning bigint, p_estimated boolean, p_cost_nano bigint, p_error_code text, p_latency_ms integer, p_ttft_ms integer
) RETURNS SETOF calls
LANGUAGE plpgsql AS $$
DECLARE
  c calls;
  v_member text;
  v_tokens bigint; v_nano bigint;
BEGIN
  PERFORM 1 FROM budget_counters WHERE scope = 'team_month_usd' AND subject = '' FOR UPDATE;
  SELECT member_id::text INTO v_member FROM calls WHERE id = p_id;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  PERFORM 1 FROM budget_counters WHERE scope = 'member_day_tokens' AND subject = v_member FOR UPDATE;
  PERFORM 1 FROM budget_counters WHERE scope = 'member_month_usd' AND subject = v_member FOR UPDATE;
  SELECT * INTO c FROM calls WHERE id = p_id FOR UPDATE;
  IF c.status <> 'reserved' THEN
    RETURN NEXT c;
    RETURN;
  END IF;

  IF p_status = 'expired' THEN
    c.status := 'interrupted';
    c.error_code := 'INTERRUPTED';
    c.input_tokens := c.prompt_estimate;
    c.cache_read_tokens := 0;
    c.cache_write_tokens := 0;
    c.output_tokens := c.max_output;
    c.reasoning_tokens := 0;
    c.estimated := true;
    c.cost_nano := c.reserved_nano;
  ELSE
    c.status := p_status;
    c.error_code := p_error_code;
    c.input_tokens := p_input;
    c.cache_read_tokens := p_cache_read;
    c.cache_write_tokens := p_cache_write;
    c.output_tokens := p_output;
    c.reasoning_tokens := p_reasoning;
    c.estimated := p_estimated;
    c.cost_nano := p_cost_nano;
    c.latency_ms := p_latency_ms;
    c.ttft_ms := p_ttft_ms;
  END IF;
  v_tokens := c.input_tokens + c.cache_read_tokens + c.cache_write_tokens + c.output_tokens;
  -- An unknown cost counts its reservation against USD budgets, as the app's ledger does.
  v_nano := coalesce(c.cost_nano, c.reserved_nano, 0);

  UPDATE budget_counters SET used = used + v_nano, reserved = greatest(reserved - coalesce(c.reserved_nano, 0), 0)
  WHERE ((scope = 'team_month_usd' AND subject = '') OR (scope = 'member_month_usd' AND subject = v_member))
    AND window_start = c.month;
  UPDATE budget_counters SET used = used + v_tokens, reserved = greatest(reserved - c.reserved_tokens, 0)
  WHERE scope = 'member_day_tokens' AND subject = v_member AND window_start = c.day;

  UPDATE calls SET status = c.status, error_code = c.error_code, input_tokens = c.input_tokens,
    cache_read_tokens = c.cache_read_tokens, cache_write_tokens = c.cache_write_tokens, output_tokens = c.output_tokens,
    reasoning_tokens = c.reasoning_tokens, estimated = c.estimated, cost_nano = c.cost_nano,
    latency_ms = c.latency_ms, ttft_ms = c.ttft_ms, settled_at = clock_timestamp()
  WHERE id = p_id
  RETURNING * INTO c;
  RETURN NEXT c;
END $$;

-- Settles as "interrupted" (at their reservation) the open calls of server processes whose heartbeat
-- stopped more than p_dead_after ago, and any call open longer than p_max_age. Returns how many.
CREATE FUNCTION sb_expire(p_dead_after interval, p_max_age interval) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  v_id uuid;
  n integer := 0;
BEGIN
  FOR v_id IN
    SELECT c.id FROM calls c LEFT JOIN replicas r ON r.id = c.replica_id
    WHERE c.status = 'reserved'
      AND (r.id IS NULL OR r.seen_at < clock_timestamp() - p_dead_after OR c.time < clock_timestamp() - p_max_age)
    ORDER BY c.time
    LIMIT 500
  LOOP
    PERFORM sb_settle(v_id, 'expired', 0, 0, 0, 0, 0, true, NULL, NULL, NULL, NULL);
    n := n + 1;
  END LOOP;
  RETURN n;
END $$;
`;
