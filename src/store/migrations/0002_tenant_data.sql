-- Tenant data for sdk.db: schema tenant_data with the starter business tables, row-level security
-- keyed on the transaction setting app.tenant_id, and the restricted role script SQL runs as.
--
-- Isolation does not trust the SQL text: the runtime does SET LOCAL ROLE jsruntime_script and
-- set_config('app.tenant_id', <tenant>, true) in every transaction, and PostgreSQL filters rows.
-- FORCE ROW LEVEL SECURITY makes the policies apply to the table owner too.
-- Foreign keys inside the schema include tenant_id: referential checks bypass RLS, so a plain
-- id reference would let one tenant point at (and probe for) another tenant's rows.

CREATE SCHEMA tenant_data;

-- The role is cluster-wide while this migration runs once per database, possibly in several
-- databases at the same moment: create it only when missing and tolerate losing the race.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'jsruntime_script') THEN
    BEGIN
      CREATE ROLE jsruntime_script NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT
        NOREPLICATION NOBYPASSRLS;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'jsruntime_script'
             AND (rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb OR rolcanlogin)) THEN
    RAISE EXCEPTION 'role jsruntime_script exists with privileges it must not have';
  END IF;
  -- The service's own user switches to the role with SET LOCAL ROLE.
  IF NOT pg_has_role(current_user, 'jsruntime_script', 'MEMBER') THEN
    BEGIN
      EXECUTE format('GRANT jsruntime_script TO %I', current_user);
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END IF;
END $$;

CREATE TABLE tenant_data.clients (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id uuid NOT NULL DEFAULT current_setting('app.tenant_id')::uuid
    REFERENCES public.tenants(id) ON DELETE CASCADE,
  name text NOT NULL,
  email text,
  phone text,
  company text,
  notes text NOT NULL DEFAULT '',
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id)
);
CREATE INDEX clients_tenant ON tenant_data.clients (tenant_id);
CREATE INDEX clients_tenant_email ON tenant_data.clients (tenant_id, lower(email));

CREATE TABLE tenant_data.products (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id uuid NOT NULL DEFAULT current_setting('app.tenant_id')::uuid
    REFERENCES public.tenants(id) ON DELETE CASCADE,
  sku text,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  price numeric(14, 2) NOT NULL CHECK (price >= 0),
  currency char(3) NOT NULL DEFAULT 'EUR',
  stock integer NOT NULL DEFAULT 0,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, sku)
);
CREATE INDEX products_tenant ON tenant_data.products (tenant_id);

CREATE TABLE tenant_data.orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id uuid NOT NULL DEFAULT current_setting('app.tenant_id')::uuid
    REFERENCES public.tenants(id) ON DELETE CASCADE,
  client_id bigint,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'confirmed', 'shipped', 'completed', 'cancelled')),
  -- [{ "productId": 1, "name": "…", "quantity": 2, "unitPrice": "9.90" }, …]
  lines jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(lines) = 'array'),
  total numeric(14, 2) NOT NULL DEFAULT 0 CHECK (total >= 0),
  currency char(3) NOT NULL DEFAULT 'EUR',
  notes text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, client_id) REFERENCES tenant_data.clients (tenant_id, id)
    ON DELETE RESTRICT
);
CREATE INDEX orders_tenant ON tenant_data.orders (tenant_id);
CREATE INDEX orders_tenant_client ON tenant_data.orders (tenant_id, client_id);

CREATE TABLE tenant_data.payments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id uuid NOT NULL DEFAULT current_setting('app.tenant_id')::uuid
    REFERENCES public.tenants(id) ON DELETE CASCADE,
  order_id bigint NOT NULL,
  amount numeric(14, 2) NOT NULL CHECK (amount > 0),
  currency char(3) NOT NULL DEFAULT 'EUR',
  method text NOT NULL DEFAULT 'other',
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'completed', 'failed', 'refunded')),
  reference text,
  paid_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, order_id) REFERENCES tenant_data.orders (tenant_id, id)
    ON DELETE CASCADE
);
CREATE INDEX payments_tenant ON tenant_data.payments (tenant_id);
CREATE INDEX payments_tenant_order ON tenant_data.payments (tenant_id, order_id);

-- NULLIF: a session that once set app.tenant_id keeps the placeholder as '' afterwards; treat
-- that like "no tenant" (no rows) instead of failing the uuid cast.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['clients', 'products', 'orders', 'payments'] LOOP
    EXECUTE format('ALTER TABLE tenant_data.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE tenant_data.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON tenant_data.%I '
      'USING (tenant_id = NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid) '
      'WITH CHECK (tenant_id = NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid)', t);
  END LOOP;
END $$;

-- Privileges: the script role reaches tenant_data and nothing else.
REVOKE ALL ON SCHEMA tenant_data FROM PUBLIC;
GRANT USAGE ON SCHEMA tenant_data TO jsruntime_script;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA tenant_data TO jsruntime_script;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA tenant_data TO jsruntime_script;
-- Tables an operator adds later (by the same migrating user) get the same grants.
ALTER DEFAULT PRIVILEGES IN SCHEMA tenant_data
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO jsruntime_script;
ALTER DEFAULT PRIVILEGES IN SCHEMA tenant_data GRANT USAGE ON SEQUENCES TO jsruntime_script;

REVOKE ALL ON SCHEMA public FROM jsruntime_script;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM jsruntime_script, PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM jsruntime_script, PUBLIC;
-- Every role is a member of PUBLIC, so the script role keeps whatever PUBLIC has on schema public.
-- Take it away only when this user owns the schema (PostgreSQL 15+: the database owner; or a
-- superuser): otherwise other roles of the installation may rely on it and we cannot restore it.
DO $$
BEGIN
  IF pg_has_role(current_user, (SELECT nspowner FROM pg_namespace WHERE nspname = 'public'), 'USAGE')
  THEN
    REVOKE ALL ON SCHEMA public FROM PUBLIC;
  END IF;
END $$;
