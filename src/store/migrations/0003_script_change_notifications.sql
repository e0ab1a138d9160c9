-- Every change to scripts or their HTTP endpoints sends NOTIFY jsruntime_scripts '<tenant id>'
-- from the transaction that makes it, so each node can drop its cached view of that tenant's
-- scripts (src/dispatch/script-directory.ts). Triggers rather than calls in the services: every
-- writer is covered (script service, bulk SQL, a fix by hand, the cascade of a tenant delete).
-- PostgreSQL delivers a notification only after its transaction commits, and folds identical
-- ones of one transaction into one.

CREATE FUNCTION notify_script_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('jsruntime_scripts', '*');
  ELSIF TG_OP = 'INSERT' THEN
    PERFORM pg_notify('jsruntime_scripts', t::text) FROM (SELECT DISTINCT tenant_id AS t FROM new_rows) x;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('jsruntime_scripts', t::text) FROM (SELECT DISTINCT tenant_id AS t FROM old_rows) x;
  ELSE
    PERFORM pg_notify('jsruntime_scripts', t::text)
       FROM (SELECT tenant_id AS t FROM new_rows UNION SELECT tenant_id FROM old_rows) x;
  END IF;
  RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION notify_script_changes() FROM PUBLIC;

-- Statement triggers with transition tables: a bulk insert of thousands of scripts costs one
-- notification per tenant, not one trigger call per row.
CREATE TRIGGER scripts_inserted AFTER INSERT ON scripts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_script_changes();
CREATE TRIGGER scripts_updated AFTER UPDATE ON scripts
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_script_changes();
CREATE TRIGGER scripts_deleted AFTER DELETE ON scripts REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_script_changes();
CREATE TRIGGER scripts_truncated AFTER TRUNCATE ON scripts
  FOR EACH STATEMENT EXECUTE FUNCTION notify_script_changes();

CREATE TRIGGER script_http_endpoints_inserted AFTER INSERT ON script_http_endpoints
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_script_changes();
CREATE TRIGGER script_http_endpoints_updated AFTER UPDATE ON script_http_endpoints
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_script_changes();
CREATE TRIGGER script_http_endpoints_deleted AFTER DELETE ON script_http_endpoints
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_script_changes();
CREATE TRIGGER script_http_endpoints_truncated AFTER TRUNCATE ON script_http_endpoints
  FOR EACH STATEMENT EXECUTE FUNCTION notify_script_changes();
