/**
 * The team: one row, its members and their tokens (hashes only), the team's provider keys (sealed with
 * the master key, which never enters the database), the models members may use, and an audit trail of
 * admin actions.
 */
export const sql = /* sql */ `
CREATE TABLE team (
  id smallint PRIMARY KEY CHECK (id = 1),
  -- Bound into every sealed key's additional data: a blob copied from another team's database fails to open.
  uid uuid NOT NULL,
  name text NOT NULL DEFAULT 'Team',
  time_zone text NOT NULL DEFAULT 'UTC',
  monthly_usd_nano bigint CHECK (monthly_usd_nano >= 0),
  default_provider text,
  default_model text,
  -- A digest of the master key the keys are sealed with, so a replica given another key says so at start.
  master_key_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE members (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  daily_tokens bigint CHECK (daily_tokens >= 0),
  monthly_usd_nano bigint CHECK (monthly_usd_nano >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  removed_at timestamptz
);
CREATE UNIQUE INDEX members_one_owner ON members (role) WHERE role = 'owner';

CREATE TABLE member_tokens (
  id uuid PRIMARY KEY,
  member_id uuid NOT NULL REFERENCES members (id),
  -- SHA-256 of the token: tokens are 256 random bits, so a fast hash is as strong as a slow one.
  hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);
CREATE INDEX member_tokens_member ON member_tokens (member_id);

CREATE TABLE team_keys (
  id uuid PRIMARY KEY,
  provider text NOT NULL,
  label text NOT NULL,
  base_url text,
  options jsonb NOT NULL DEFAULT '{}',
  last4 text NOT NULL,
  -- Envelope: the secret sealed (AES-256-GCM) with its own data key, the data key sealed with the master key.
  secret_iv text NOT NULL,
  secret_ct text NOT NULL,
  secret_tag text NOT NULL,
  dek_iv text NOT NULL,
  dek_ct text NOT NULL,
  dek_tag text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES members (id)
);
CREATE INDEX team_keys_provider ON team_keys (provider, created_at);

CREATE TABLE allowed_models (
  provider text NOT NULL,
  model text NOT NULL,
  PRIMARY KEY (provider, model)
);

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  time timestamptz NOT NULL DEFAULT now(),
  actor uuid REFERENCES members (id),
  action text NOT NULL,
  subject text,
  detail jsonb NOT NULL DEFAULT '{}'
);
`;
