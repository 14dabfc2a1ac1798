-- Questions for the central store (execlog-schema.sql), for psql -d execlog;
-- each stands alone: replace the names and ids in quotes with yours.

-- Which login users ran curl as root in the last hour, and how often.
-- "As root": the effective uid, so sudo and setuid programs count; the
-- login user is who logged in (loginuid), whatever they became since.
SELECT event->>'login' AS login_user, count(*) AS runs
FROM execlog_events
WHERE event->>'exe' LIKE '%/curl'
  AND (event->>'euid')::bigint = 0
  AND event ? 'login'
  AND (event->>'time')::timestamptz > now() - interval '1 hour'
GROUP BY 1
ORDER BY 1;

-- Everything one login user ran as root today, on every host.
SELECT event->>'time' AS time, event->>'hostname' AS host, event->>'cmdline' AS command
FROM execlog_events
WHERE event @> '{"euid": 0}'
  AND event->>'login' = 'mallory'
  AND received > date_trunc('day', now())
ORDER BY event->>'time';

-- What a command started, and what those started in turn: the process
-- tree below one exec id, through parent_exec_id (a process that execs
-- again without forking keeps its id: UNION drops the repeats).
WITH RECURSIVE tree AS (
    SELECT event FROM execlog_events
    WHERE event->>'exec_id' = '22d23930a4aa4904b50778425cbb1110-4242-2082239'
  UNION
    SELECT child.event FROM execlog_events child
    JOIN tree ON child.event->>'parent_exec_id' = tree.event->>'exec_id'
)
SELECT event->>'time' AS time, event->>'exec_id' AS exec_id,
       event->>'parent_exec_id' AS parent, event->>'cmdline' AS command
FROM tree ORDER BY event->>'time';

-- Commands run at a terminal by a person, per host and unit, last day.
SELECT event->>'hostname' AS host, event->>'systemd_unit' AS unit, count(*)
FROM execlog_events
WHERE event @> '{"interactive": true}'
  AND received > now() - interval '1 day'
GROUP BY 1, 2 ORDER BY 3 DESC;
