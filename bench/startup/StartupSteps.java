import io.caravan.CaravanApplication;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * For bench/startup (Java's source launcher on the test class path; not part of the build): where the hub's start-up
 * time goes. Starts the hub (arguments as for the jar) with Spring's
 * BufferingApplicationStartup, prints the slowest steps once it is ready (a bean's time includes the beans it
 * made), then stops it.
 */
public final class StartupSteps {

    private StartupSteps() {
    }

    public static void main(String[] args) {
        BufferingApplicationStartup steps = new BufferingApplicationStartup(20_000);
        SpringApplication application = new SpringApplication(CaravanApplication.class);
        application.setApplicationStartup(steps);
        long start = System.nanoTime();
        ConfigurableApplicationContext hub = application.run(args);
        System.out.printf("ready after %d ms%n", (System.nanoTime() - start) / 1_000_000);
        List<StartupTimeline.TimelineEvent> events = steps.getBufferedTimeline().getEvents();
        events.stream().sorted(Comparator.comparing(StartupTimeline.TimelineEvent::getDuration).reversed())
                .limit(Integer.getInteger("steps", 40))
                .forEach(e -> System.out.printf("%6d ms  %s %s%n", e.getDuration().toMillis(), e.getStartupStep().getName(),
                        tags(e)));
        Duration beans = events.stream().filter(e -> e.getStartupStep().getName().equals("spring.beans.instantiate")
                && e.getStartupStep().getParentId() == null).map(StartupTimeline.TimelineEvent::getDuration)
                .reduce(Duration.ZERO, Duration::plus);
        System.out.printf("top-level bean instantiation: %d ms%n", beans.toMillis());
        // A step's own time: its duration less its child steps' (a bean less the beans it made).
        Map<Long, Duration> children = new HashMap<>();
        events.forEach(e -> {
            if (e.getStartupStep().getParentId() != null) {
                children.merge(e.getStartupStep().getParentId(), e.getDuration(), Duration::plus);
            }
        });
        System.out.println("own time (less the child steps):");
        events.stream().sorted(Comparator.comparing((StartupTimeline.TimelineEvent e) -> e.getDuration()
                        .minus(children.getOrDefault(e.getStartupStep().getId(), Duration.ZERO))).reversed())
                .limit(Integer.getInteger("steps", 40))
                .forEach(e -> System.out.printf("%6d ms  %s %s%n", e.getDuration()
                        .minus(children.getOrDefault(e.getStartupStep().getId(), Duration.ZERO)).toMillis(),
                        e.getStartupStep().getName(), tags(e)));
        hub.close();
    }

    private static String tags(StartupTimeline.TimelineEvent event) {
        StringBuilder out = new StringBuilder();
        event.getStartupStep().getTags().forEach(tag -> out.append(tag.getKey()).append('=').append(tag.getValue()).append(' '));
        return out.toString().trim();
    }
}
