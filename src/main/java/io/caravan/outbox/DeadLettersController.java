package io.caravan.outbox;

import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/dead-letters")
public class DeadLettersController {

    private final DeadLetters deadLetters;

    public DeadLettersController(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @GetMapping
    public List<DeadLetters.DeadLetter> list(@RequestParam(required = false) String type,
                                             @RequestParam(defaultValue = "false") boolean includeReplayed,
                                             @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be between 1 and 1000, was " + limit);
        }
        return deadLetters.list(type, includeReplayed, limit);
    }

    @PostMapping("/{id}/replay")
    public ResponseEntity<Map<String, Object>> replay(@PathVariable long id) {
        long eventId = deadLetters.replay(id);
        return ResponseEntity.accepted().body(Map.of("deadLetterId", id, "eventId", eventId, "status", "requeued"));
    }
}
