-- Control plane: tenants, people and credentials, scripts with versions, executions,
-- routing tables derived from scripts, the event outbox, dead letters and the audit log.
-- Every row carries tenant_id.

CREATE TABLE tenants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  organization_id uuid,
  email text NOT NULL,
  name text NOT NULL DEFAULT '',
  role text NOT NULL CHECK (role IN ('superadmin', 'admin', 'developer', 'viewer')),
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, email)
);
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));

CREATE TABLE sessions (
  id_hash text PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name text NOT NULL DEFAULT '',
  role text NOT NULL CHECK (role IN ('superadmin', 'admin', 'developer', 'viewer')),
  token_hash text NOT NULL UNIQUE,
  prefix text NOT NULL,
  created_by bigint REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  actor_user_id bigint,
  actor_token_id uuid,
  actor_label text NOT NULL,
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_id text NOT NULL,
  before jsonb,
  after jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_tenant_time ON audit_log (tenant_id, created_at DESC);
-- Append-only: updates and deletes are refused (tenant deletion cascades are the exception).
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE scripts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  organization_id uuid,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  source text NOT NULL,
  language text NOT NULL CHECK (language IN ('javascript', 'typescript')),
  compiled_code text NOT NULL,
  source_map text,
  line_offset integer NOT NULL DEFAULT 1,
  type text NOT NULL CHECK (type IN ('scheduled', 'http', 'event', 'oneoff', 'embedded')),
  status text NOT NULL DEFAULT 'draft'
    CHECK (status IN ('draft', 'active', 'paused', 'disabled', 'archived')),
  cron_expression text,
  timezone text NOT NULL DEFAULT 'UTC',
  http_path text,
  http_methods text[] NOT NULL DEFAULT '{}',
  http_auth text NOT NULL DEFAULT 'token' CHECK (http_auth IN ('token', 'public')),
  event_types text[] NOT NULL DEFAULT '{}',
  limits jsonb NOT NULL,
  tags text[] NOT NULL DEFAULT '{}',
  version integer NOT NULL DEFAULT 1,
  created_by bigint REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT scripts_name_unique UNIQUE (tenant_id, name)
);
CREATE INDEX scripts_tenant_updated ON scripts (tenant_id, updated_at DESC);

CREATE TABLE script_versions (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  script_id uuid NOT NULL REFERENCES scripts(id) ON DELETE CASCADE,
  version integer NOT NULL,
  snapshot jsonb NOT NULL,
  compiled_code text NOT NULL,
  source_map text,
  line_offset integer NOT NULL DEFAULT 1,
  change_note text NOT NULL DEFAULT '',
  created_by bigint REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (script_id, version)
);

-- Routing tables: derived from scripts in the same transaction as every save.
CREATE TABLE script_http_endpoints (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  script_id uuid NOT NULL REFERENCES scripts(id) ON DELETE CASCADE,
  http_path text NOT NULL,
  methods text[] NOT NULL,
  auth text NOT NULL,
  PRIMARY KEY (script_id),
  CONSTRAINT script_http_endpoints_path_unique UNIQUE (tenant_id, http_path)
);

CREATE TABLE script_scheduled_jobs (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  script_id uuid NOT NULL REFERENCES scripts(id) ON DELETE CASCADE,
  cron_expression text NOT NULL,
  timezone text NOT NULL,
  next_run_at timestamptz,
  last_run_at timestamptz,
  last_run_status text,
  skipped_count integer NOT NULL DEFAULT 0,
  last_skipped_at timestamptz,
  PRIMARY KEY (script_id)
);
CREATE INDEX script_scheduled_jobs_due ON script_scheduled_jobs (next_run_at);

CREATE TABLE script_event_subscriptions (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  script_id uuid NOT NULL REFERENCES scripts(id) ON DELETE CASCADE,
  event_type text NOT NULL,
  PRIMARY KEY (script_id, event_type)
);
CREATE INDEX script_event_subscriptions_match ON script_event_subscriptions (tenant_id, event_type);

CREATE TABLE script_executions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  script_id uuid NOT NULL REFERENCES scripts(id) ON DELETE CASCADE,
  script_version integer NOT NULL,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'running', 'completed', 'failed', 'timeout', 'cancelled')),
  trigger_type text NOT NULL CHECK (trigger_type IN ('cron', 'http', 'event', 'manual', 'api')),
  trigger_data jsonb NOT NULL DEFAULT '{}',
  input jsonb NOT NULL DEFAULT '{}',
  output jsonb,
  error jsonb,
  logs jsonb NOT NULL DEFAULT '[]',
  logs_dropped integer NOT NULL DEFAULT 0,
  metrics jsonb,
  attempt integer NOT NULL DEFAULT 1,
  user_id bigint,
  node_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  completed_at timestamptz
);
CREATE INDEX script_executions_script_time ON script_executions (script_id, created_at DESC);
CREATE INDEX script_executions_tenant_time ON script_executions (tenant_id, created_at DESC);
CREATE INDEX script_executions_active_node ON script_executions (node_id)
  WHERE status IN ('pending', 'running');
CREATE INDEX script_executions_active_script ON script_executions (script_id)
  WHERE status IN ('pending', 'running');
CREATE INDEX script_executions_created ON script_executions (created_at);

-- Durable outbox of published events (host, scripts and the service's own jsruntime.* events).
CREATE TABLE events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  type text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  source text NOT NULL,
  source_script_id uuid,
  source_execution_id uuid,
  chain_depth integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  dispatched_at timestamptz
);
CREATE INDEX events_undispatched ON events (created_at) WHERE dispatched_at IS NULL;
CREATE INDEX events_tenant_time ON events (tenant_id, created_at DESC);

CREATE TABLE script_event_dead_letters (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  script_id uuid NOT NULL REFERENCES scripts(id) ON DELETE CASCADE,
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  payload jsonb NOT NULL,
  chain_depth integer NOT NULL DEFAULT 0,
  last_execution_id uuid,
  last_error jsonb,
  attempts integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  replayed_at timestamptz
);
CREATE INDEX script_event_dead_letters_tenant_time
  ON script_event_dead_letters (tenant_id, created_at DESC);

-- Cluster nodes and their heartbeats (the reaper marks executions of dead nodes NODE_LOST).
CREATE TABLE nodes (
  id text PRIMARY KEY,
  roles text[] NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  stopped_at timestamptz
);
