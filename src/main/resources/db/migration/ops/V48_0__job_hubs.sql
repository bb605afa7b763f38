-- Which hub runs which job: each hub's started job routes, by its Quartz instance id. A hub starting with a job's
-- route absent or off (a flow switched off on that hub only) reads it before dropping the job's trigger, so it never
-- drops a trigger another live hub (in qrtz_scheduler_state) still fires. Rows of hubs gone from the cluster are
-- removed by the next hub that starts.
CREATE TABLE job_hubs (
    instance   TEXT        NOT NULL,          -- Quartz scheduler instance id (qrtz_scheduler_state.instance_name)
    job        TEXT        NOT NULL,
    since      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (instance, job)
);
COMMENT ON TABLE job_hubs IS 'Started job routes per hub (Quartz instance id), read before a hub drops a trigger';
