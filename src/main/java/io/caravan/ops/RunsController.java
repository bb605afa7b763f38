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

    private final JobRunRepository runs;

    public RunsController(JobRunRepository runs) {
        this.runs = runs;
    }

    @GetMapping
    public List<JobRun> list(@RequestParam(required = false) String job, @RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        return runs.list(job, limit);
    }

    @GetMapping("/{id}")
    public JobRun get(@PathVariable long id) {
        return runs.find(id).orElseThrow(() -> new NotFoundException("No run with id " + id));
    }
}
