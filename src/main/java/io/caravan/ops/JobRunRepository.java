package io.caravan.ops;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

@Repository
public class JobRunRepository {

    private static final String COLUMNS =
            "id, job, trigger, scheduled_for, instance, started_at, finished_at, status, rows, error";

    private final JdbcTemplate jdbc;

    public JobRunRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public long start(String job, String trigger, Instant scheduledFor, String instance) {
        return jdbc.queryForObject("""
                INSERT INTO job_runs (job, trigger, scheduled_for, instance, status)
                VALUES (?, ?, ?, ?, 'running') RETURNING id""", Long.class, job, trigger, timestamp(scheduledFor), instance);
    }

    public void finish(long id, String status, Long rows, String error) {
        jdbc.update("UPDATE job_runs SET finished_at = clock_timestamp(), status = ?, rows = ?, error = ? WHERE id = ?",
                status, rows, error, id);
    }

    /** Whether a fire of the job due at that time has run or is running (a handed-on fire may arrive twice). */
    public boolean ranFor(String job, Instant scheduledFor) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM job_runs WHERE job = ? AND scheduled_for = ?"
                + " AND status IN ('running', 'succeeded'))", Boolean.class, job, java.sql.Timestamp.from(scheduledFor)));
    }

    public long recordSkipped(String job, String trigger, Instant scheduledFor, String instance, String reason) {
        return jdbc.queryForObject("""
                INSERT INTO job_runs (job, trigger, scheduled_for, instance, status, finished_at, error)
                VALUES (?, ?, ?, ?, 'skipped', now(), ?) RETURNING id""", Long.class, job, trigger,
                timestamp(scheduledFor), instance, reason);
    }

    /**
     * Called while holding the job's lock: any other 'running' row of the job belongs to a process that died.
     */
    public int markAbandoned(String job, long currentRunId) {
        return jdbc.update("""
                UPDATE job_runs SET status = 'abandoned', finished_at = now(),
                       error = 'the instance running it stopped before the run finished'
                WHERE job = ? AND status = 'running' AND id <> ?""", job, currentRunId);
    }

    public Optional<JobRun> find(long id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM job_runs WHERE id = ?", JobRunRepository::map, id)
                .stream().findFirst();
    }

    public List<JobRun> list(String job, int limit) {
        if (job == null || job.isBlank()) {
            return jdbc.query("SELECT " + COLUMNS + " FROM job_runs ORDER BY id DESC LIMIT ?", JobRunRepository::map, limit);
        }
        return jdbc.query("SELECT " + COLUMNS + " FROM job_runs WHERE job = ? ORDER BY id DESC LIMIT ?",
                JobRunRepository::map, job, limit);
    }

    public List<JobRun> list(String job, String status, int limit) {
        return jdbc.query("SELECT " + COLUMNS + " FROM job_runs WHERE (?::text IS NULL OR job = ?) AND status = ?"
                + " ORDER BY id DESC LIMIT ?", JobRunRepository::map, blankToNull(job), blankToNull(job), status, limit);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** The newest run of every job that has one. */
    public Map<String, JobRun> lastRuns() {
        Map<String, JobRun> last = new HashMap<>();
        jdbc.query("SELECT DISTINCT ON (job) " + COLUMNS + " FROM job_runs ORDER BY job, id DESC",
                (ResultSet rs) -> {
                    JobRun run = map(rs, 0);
                    last.put(run.job(), run);
                });
        return last;
    }

    static JobRun map(ResultSet rs, int row) throws SQLException {
        long rows = rs.getLong("rows");
        Long rowCount = rs.wasNull() ? null : rows;
        return new JobRun(rs.getLong("id"), rs.getString("job"), rs.getString("trigger"),
                instant(rs.getTimestamp("scheduled_for")), rs.getString("instance"), instant(rs.getTimestamp("started_at")),
                instant(rs.getTimestamp("finished_at")), rs.getString("status"), rowCount, rs.getString("error"));
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
