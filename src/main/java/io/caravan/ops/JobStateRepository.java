package io.caravan.ops;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Pause flags in job_state: read by every instance at every fire, so a pause holds cluster-wide and across restarts. */
@Repository
public class JobStateRepository {

    private final JdbcTemplate jdbc;

    public JobStateRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public boolean isPaused(String job) {
        return Boolean.TRUE.equals(jdbc.query("SELECT paused FROM job_state WHERE job = ?",
                rs -> rs.next() ? rs.getBoolean(1) : Boolean.FALSE, job));
    }

    public Set<String> pausedJobs() {
        return jdbc.queryForList("SELECT job FROM job_state WHERE paused", String.class).stream().collect(Collectors.toSet());
    }

    public void setPaused(String job, boolean paused, String by) {
        jdbc.update("""
                INSERT INTO job_state (job, paused, updated_at, updated_by) VALUES (?, ?, now(), ?)
                ON CONFLICT (job) DO UPDATE SET paused = excluded.paused, updated_at = now(), updated_by = excluded.updated_by""",
                job, paused, by);
    }

    @Transactional
    public void setPaused(Collection<String> jobs, boolean paused, String by) {
        jobs.forEach(job -> setPaused(job, paused, by));
    }
}
