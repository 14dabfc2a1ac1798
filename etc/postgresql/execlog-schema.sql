-- The central store of execlog's events: one jsonb row per command, as
-- the central rsyslog (etc/rsyslog/central-execlog-pgsql.conf) writes it.
--
--   createdb execlog && psql -d execlog -f execlog-schema.sql
--   psql -d execlog -c "ALTER ROLE rsyslog PASSWORD 'change-me'"
--
-- Keys are those of output_format = json (execlog.ini(5), "JSON AND
-- JOURNALD FIELDS"): time, hostname, boot_id, exec_id, parent_exec_id,
-- login, uid, euid, exe, argv, cmdline, ...; a fact that could not be had
-- is absent, so `event ? 'login'` tells a person's command from a daemon's.

CREATE TABLE execlog_events (
    id bigserial PRIMARY KEY,
    received timestamptz NOT NULL DEFAULT now(),
    host text NOT NULL,              -- the syslog host name of the sender
    event jsonb NOT NULL
);

-- RELP delivers at least once: an event the central stored but had not
-- acknowledged when it stopped comes again.  An event is one process's
-- exec at one microsecond (a repeat summary carries its first line's time
-- and "repeated"), so a second copy is dropped; events without an exec id
-- (no /proc on the host) are kept as they come.  The index also serves
-- lookups by exec id.
CREATE UNIQUE INDEX execlog_events_once ON execlog_events
    ((event->>'exec_id'), (event->>'time'), (coalesce(event->>'repeated', '')));

-- Lookups by any key and value (event @> '{"euid": 0}'), by parent (the
-- process tree), and by time.
CREATE INDEX execlog_events_event ON execlog_events USING gin (event jsonb_path_ops);
CREATE INDEX execlog_events_parent ON execlog_events ((event->>'parent_exec_id'));
CREATE INDEX execlog_events_received ON execlog_events (received);

-- What came as "execlog" but is not a JSON object: kept for inspection
-- rather than stop the central's queue.
CREATE TABLE execlog_rejected (
    id bigserial PRIMARY KEY,
    received timestamptz NOT NULL DEFAULT now(),
    host text NOT NULL,
    message text NOT NULL
);

CREATE FUNCTION execlog_insert(sender text, message text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    event jsonb;
BEGIN
    BEGIN
        -- rsyslog keeps the space after "execlog[PID]:".
        event := btrim(message)::jsonb;
    EXCEPTION WHEN invalid_text_representation THEN
        event := NULL;
    END;
    IF jsonb_typeof(event) = 'object' THEN
        INSERT INTO execlog_events (host, event) VALUES (sender, event)
            ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO execlog_rejected (host, message) VALUES (sender, message);
    END IF;
END
$$;

-- The central rsyslog's role: it may add events and nothing else.
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rsyslog') THEN
        CREATE ROLE rsyslog LOGIN;
    END IF;
END $$;
REVOKE ALL ON execlog_events, execlog_rejected FROM PUBLIC;
REVOKE ALL ON FUNCTION execlog_insert(text, text) FROM PUBLIC;
GRANT INSERT ON execlog_events, execlog_rejected TO rsyslog;
GRANT USAGE ON SEQUENCE execlog_events_id_seq, execlog_rejected_id_seq TO rsyslog;
GRANT EXECUTE ON FUNCTION execlog_insert(text, text) TO rsyslog;
