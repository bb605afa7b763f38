package io.caravan.ops;

import java.net.URI;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The operator's controls: see every job, pause, resume, run now. */
@RestController
@RequestMapping("/api/jobs")
public class JobsController {

    private final JobRegistry registry;
    private final JobStateRepository states;
    private final JobRunRepository runs;
    private final JobRunner runner;
    private final Scheduler scheduler;

    public JobsController(JobRegistry registry, JobStateRepository states, JobRunRepository runs, JobRunner runner,
                          Scheduler scheduler) {
        this.registry = registry;
        this.states = states;
        this.runs = runs;
        this.runner = runner;
        this.scheduler = scheduler;
    }

    public record JobView(String name, String description, String schedule, String timeZone, boolean enabled,
                          boolean paused, Instant nextFireTime, JobRun lastRun) {
    }

    public record RunStarted(long runId, String job, String status, URI run) {
    }

    @GetMapping
    public List<JobView> list() {
        Set<String> paused = states.pausedJobs();
        Map<String, JobRun> last = runs.lastRuns();
        return registry.all().stream().map(job -> view(job, paused.contains(job.name()), last.get(job.name()))).toList();
    }

    @GetMapping("/{name}")
    public JobView get(@PathVariable String name) {
        Job job = registry.get(name);
        return view(job, states.isPaused(name), runs.list(name, 1).stream().findFirst().orElse(null));
    }

    @PostMapping("/{name}/pause")
    public JobView pause(@PathVariable String name, Authentication who) {
        registry.get(name);
        states.setPaused(name, true, who.getName());
        return get(name);
    }

    @PostMapping("/{name}/resume")
    public JobView resume(@PathVariable String name, Authentication who) {
        registry.get(name);
        states.setPaused(name, false, who.getName());
        return get(name);
    }

    @PostMapping("/{name}/run")
    public ResponseEntity<RunStarted> run(@PathVariable String name) {
        long id = runner.startNow(name);
        URI location = URI.create("/api/runs/" + id);
        return ResponseEntity.accepted().location(location).body(new RunStarted(id, name, "running", location));
    }

    @PostMapping("/pause-all")
    public List<JobView> pauseAll(Authentication who) {
        states.setPaused(registry.names(), true, who.getName());
        return list();
    }

    @PostMapping("/resume-all")
    public List<JobView> resumeAll(Authentication who) {
        states.setPaused(registry.names(), false, who.getName());
        return list();
    }

    private JobView view(Job job, boolean paused, JobRun lastRun) {
        Instant next = null;
        if (job.enabled() && !paused) {
            try {
                Trigger trigger = scheduler.getTrigger(org.quartz.TriggerKey.triggerKey(job.name(), job.group()));
                Date fire = trigger == null ? null : trigger.getNextFireTime();
                next = fire == null ? null : fire.toInstant();
            } catch (SchedulerException e) {
                next = null;
            }
        }
        return new JobView(job.name(), job.description(), job.cron(), job.timeZone().getId(), job.enabled(), paused, next,
                lastRun);
    }
}
