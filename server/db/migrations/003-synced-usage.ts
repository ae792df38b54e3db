/**
 * Usage uploaded by members' apps (their own and environment keys' calls): reported beside the
 * server's own calls, never charged against server budgets. One row per member and record id, so a
 * replayed or reordered batch is counted once.
 */
export const sql = /* sql */ `
CREATE TABLE synced_usage (
  member_id uuid NOT NULL REFERENCES members (id),
  record_id text NOT NULL,
  device_id text NOT NULL,
  time timestamptz NOT NULL,
  session_id text,
  provider text NOT NULL,
  model text NOT NULL,
  source text NOT NULL,
  status text NOT NULL,
  error_code text,
  input_tokens bigint NOT NULL,
  cache_read_tokens bigint NOT NULL,
  cache_write_tokens bigint NOT NULL,
  output_tokens bigint NOT NULL,
  reasoning_tokens bigint NOT NULL,
  estimated boolean NOT NULL,
  cost_nano bigint,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (member_id, record_id)
);
CREATE INDEX synced_usage_time ON synced_usage (time);
`;
