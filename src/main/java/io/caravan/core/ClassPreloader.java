package io.caravan.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.aot.AotDetector;

/**
 * Loads the classes a start of the hub loads, in a thread of its own beside the start.
 *
 * <p>Why: a start is one thread loading about 13,500 classes (most of its CPU, docs/startup.md) while the second core
 * waits. This thread walks the list a recorded start loaded, in the order it loaded them, so by the time the start
 * needs a class it has mostly been found, read and defined already. Classes are only loaded, never initialised: no
 * static initialiser runs early or on another thread, so what a start does and in which order is unchanged.
 *
 * <p>The list is {@value #LIST}, made by {@code BENCH_RECORD_PRELOAD=true bench/startup/run.sh} from a start with every
 * flow on; {@code ClassPreloaderTest} fails when a library update left names on it that are no longer there. A name
 * that is not found (a class of another configuration) costs a lookup and is skipped. Off with
 * {@code -Dcaravan.preload=false} or {@code CARAVAN_PRELOAD=false}, during Spring's AOT processing (a build step),
 * and with JDK 25's AOT cache or a CDS archive, whose classes are there already.
 */
public final class ClassPreloader {

    /** The recorded start's classes, one name a line, in the order they were loaded; '#' starts a comment. */
    public static final String LIST = "META-INF/caravan/preload-classes.txt";

    private ClassPreloader() {
    }

    /** What one preload did. */
    record Result(int loaded, int missing, long millis) {
    }

    /**
     * Starts preloading with the given loader (the application's), unless it is turned off. The thread ends at once
     * where an AOT cache or CDS archive is mapped.
     */
    public static void start(ClassLoader loader) {
        String setting = System.getProperty("caravan.preload", System.getenv("CARAVAN_PRELOAD"));
        boolean aotProcessing = Boolean.getBoolean("spring.aot.processing");
        if (!enabled(setting, aotProcessing, List.of())) {
            return;
        }
        Thread thread = new Thread(() -> {
            // The JVM's arguments come through java.management: asked here, not on the thread that starts the hub.
            if (!enabled(setting, aotProcessing, jvmArguments())) {
                return;
            }
            Result result = preload(loader, names(loader, AotDetector.useGeneratedArtifacts()));
            // Asked for here, on this thread: the JDK's first System.getLogger looks for a LoggerFinder through every
            // jar (~50 ms), which the start's own thread should not wait for.
            System.getLogger(ClassPreloader.class.getName()).log(System.Logger.Level.DEBUG, () -> "Preloaded "
                    + result.loaded() + " classes in " + result.millis() + " ms (" + result.missing() + " not found)");
        }, "caravan-preload");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Whether to preload: not when turned off, not during Spring's AOT processing (which runs main at build time),
     * not when the JVM maps an AOT cache or CDS archive (its classes load from there, and the thread would only add
     * lookups).
     */
    static boolean enabled(String setting, boolean aotProcessing, List<String> jvmArguments) {
        if (setting != null && !setting.isBlank() && !Boolean.parseBoolean(setting.trim())) {
            return false;
        }
        return !aotProcessing && jvmArguments.stream()
                .noneMatch(a -> a.startsWith("-XX:AOTCache=") || a.startsWith("-XX:SharedArchiveFile="));
    }

    /** The list's names; Spring AOT's generated classes only when the start will use them (else each is a miss). */
    static List<String> names(ClassLoader loader, boolean springAot) {
        try (InputStream in = loader.getResourceAsStream(LIST)) {
            if (in == null) {
                return List.of();
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .map(String::trim)
                    .filter(name -> !name.isEmpty() && !name.startsWith("#"))
                    .filter(name -> springAot || !name.contains("__"))
                    .collect(Collectors.toList());
        } catch (IOException | RuntimeException e) {
            return List.of(); // a start without the list is only slower
        }
    }

    /** Loads each name without initialising it; a name that cannot be loaded is counted and skipped. */
    static Result preload(ClassLoader loader, List<String> names) {
        long start = System.nanoTime();
        int loaded = 0;
        int missing = 0;
        for (String name : names) {
            try {
                Class.forName(name, false, loader);
                loaded++;
            } catch (ClassNotFoundException | LinkageError notThere) {
                missing++;
            }
        }
        return new Result(loaded, missing, (System.nanoTime() - start) / 1_000_000);
    }

    private static List<String> jvmArguments() {
        try {
            return ManagementFactory.getRuntimeMXBean().getInputArguments();
        } catch (RuntimeException | LinkageError e) {
            return List.of();
        }
    }
}
