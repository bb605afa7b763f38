package io.caravan.ops;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** What ran and how it ended. */
@RestController
@RequestMapping("/api/runs")
public class RunsController {

    private static final int MAX_LIMIT = 1000;
    static final List<String> STATUSES = List.of("running", "succeeded", "failed", "skipped", "abandoned");

    private final JobRunRepository runs;

    public RunsController(JobRunRepository runs) {
        this.runs = runs;
    }

    @GetMapping
    public List<JobRun> list(@RequestParam(required = false) String job, @RequestParam(required = false) String status,
                             @RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        if (status != null && !status.isBlank() && !STATUSES.contains(status)) {
            throw new IllegalArgumentException("status must be one of " + String.join(", ", STATUSES) + ", was '" + status + "'");
        }
        return status == null || status.isBlank() ? runs.list(job, limit) : runs.list(job, status, limit);
    }

    @GetMapping("/{id}")
    public JobRun get(@PathVariable long id) {
        return runs.find(id).orElseThrow(() -> new NotFoundException("No run with id " + id));
    }
}
