-- Job types follow one scheme, <module>.<snake_case_action>: sites.health-check became connect.site_health and
-- account.export became accounts.export. Runs recorded under the old names keep their history under the new ones.
-- Runs still waiting under an old name are failed: their pg-boss queues are dropped at start (ensureQueues), so no
-- worker would ever run them. Health checks and exports asked for before the upgrade must be asked for again.
UPDATE "JobRun"
SET "status" = 'failed',
    "error" = '{"code":"JOB_TYPE_RENAMED","message":"This job was queued before an upgrade renamed its type and will not run: ask for it again."}'::jsonb,
    "finishedAt" = CURRENT_TIMESTAMP,
    "currentStep" = NULL
WHERE "type" IN ('sites.health-check', 'account.export') AND "status" IN ('queued', 'running');

UPDATE "JobRun" SET "type" = 'connect.site_health' WHERE "type" = 'sites.health-check';
UPDATE "JobRun" SET "type" = 'accounts.export' WHERE "type" = 'account.export';

-- Workers list the queues they serve; running workers write their own list again on their next heartbeat.
UPDATE "WorkerHeartbeat"
SET "queues" = array_replace(array_replace("queues", 'sites.health-check', 'connect.site_health'), 'account.export', 'accounts.export')
WHERE "queues" && ARRAY['sites.health-check', 'account.export'];
