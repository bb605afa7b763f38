package io.caravan.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache of extracted jars behind {@link ExtractedLaunch}, with a stand-in for Spring Boot's extract tool (the real
 * one runs in PackagedHubSmokeIT, which starts the packaged jar).
 */
class ExtractedLaunchTest {

    @TempDir
    Path tmp;

    private final AtomicInteger extractions = new AtomicInteger();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(out, true, StandardCharsets.UTF_8);

    /** What the tool writes: the application jar and lib/. */
    private void fakeExtract(Path jar, Path destination) throws IOException {
        extractions.incrementAndGet();
        Files.createDirectories(destination.resolve("lib"));
        Files.writeString(destination.resolve(jar.getFileName().toString()), "thin");
        Files.writeString(destination.resolve("lib").resolve("a.jar"), "a");
    }

    private Path jar(String name, String content) throws IOException {
        Path jar = tmp.resolve(name);
        Files.writeString(jar, content);
        return jar;
    }

    @Test
    void theFirstStartExtractsAndLaterStartsReuseTheCopy() throws Exception {
        Path jar = jar("caravan-1.jar", "fat");
        Path root = tmp.resolve("cache");

        Path first = ExtractedLaunch.extracted(jar, root, log, this::fakeExtract);
        Path second = ExtractedLaunch.extracted(jar, root, log, this::fakeExtract);

        assertThat(second).isEqualTo(first);
        assertThat(extractions).hasValue(1);
        assertThat(ExtractedLaunch.thinJar(first, jar)).hasContent("thin");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("extracted " + jar).contains(first.toString());
        assertThat(Files.getPosixFilePermissions(root)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(children(root)).containsExactly(first);
    }

    @Test
    void aRebuiltJarGetsACopyOfItsOwn() throws Exception {
        Path jar = jar("caravan-1.jar", "fat");
        Path root = tmp.resolve("cache");
        Path before = ExtractedLaunch.extracted(jar, root, log, this::fakeExtract);

        Files.writeString(jar, "rebuilt, longer");
        Path after = ExtractedLaunch.extracted(jar, root, log, this::fakeExtract);

        assertThat(after).isNotEqualTo(before);
        assertThat(extractions).hasValue(2);
    }

    @Test
    void aCopyWithoutItsMarkerIsExtractedAgainNotUsed() throws Exception {
        Path jar = jar("caravan-1.jar", "fat");
        Path root = tmp.resolve("cache");
        Path copy = ExtractedLaunch.extracted(jar, root, log, this::fakeExtract);
        Files.writeString(copy.resolve(ExtractedLaunch.MARKER), "another key");

        assertThat(ExtractedLaunch.extracted(jar, root, log, this::fakeExtract)).isEqualTo(copy);
        assertThat(extractions).as("a directory in the way that is not a complete copy is not taken for one").hasValue(2);
        assertThat(copy.resolve(ExtractedLaunch.MARKER)).content().isNotEqualTo("another key");
        assertThat(children(root)).containsExactly(copy);
    }

    @Test
    void aFailedExtractionLeavesNothingBehind() throws Exception {
        Path jar = jar("caravan-1.jar", "fat");
        Path root = tmp.resolve("cache");

        assertThatThrownBy(() -> ExtractedLaunch.extracted(jar, root, log, (j, d) -> {
            fakeExtract(j, d);
            throw new IOException("disk full");
        })).hasMessage("disk full");

        assertThat(children(root)).isEmpty();
    }

    @Test
    void hubsStartingTogetherAllGetOneCompleteCopy() throws Exception {
        Path jar = jar("caravan-1.jar", "fat");
        Path root = tmp.resolve("cache");
        int hubs = 4;
        CyclicBarrier together = new CyclicBarrier(hubs);
        Set<Path> copies = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(hubs);
        try {
            List<Future<?>> starts = new ArrayList<>();
            for (int i = 0; i < hubs; i++) {
                starts.add(pool.submit(() -> {
                    together.await();
                    Path copy = ExtractedLaunch.extracted(jar, root, log, this::fakeExtract);
                    assertThat(copy.resolve(ExtractedLaunch.MARKER)).exists();
                    copies.add(copy);
                    return null;
                }));
            }
            for (Future<?> start : starts) {
                start.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(copies).hasSize(1);
        assertThat(children(root)).as("no half-written copies left").containsExactlyElementsOf(copies);
    }

    @Test
    void onlyTheMostRecentlyStartedCopiesAreKept() throws Exception {
        Path root = tmp.resolve("cache");
        List<Path> copies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Path copy = ExtractedLaunch.extracted(jar("caravan-" + i + ".jar", "fat " + i), root, log, this::fakeExtract);
            // started i minutes ago, the newest last
            Files.setLastModifiedTime(copy.resolve(ExtractedLaunch.MARKER), FileTime.fromMillis(System.currentTimeMillis() - (5 - i) * 60_000L));
            copies.add(copy);
        }
        Path stale = Files.createDirectory(root.resolve("caravan-9.jar-x.part-1"));
        Files.setLastModifiedTime(stale, FileTime.fromMillis(System.currentTimeMillis() - 2 * 3_600_000L));
        Path extracting = Files.createDirectory(root.resolve("caravan-8.jar-x.part-2"));

        Path newest = ExtractedLaunch.extracted(jar("caravan-new.jar", "fat new"), root, log, this::fakeExtract);

        assertThat(children(root)).as("this one, the two started last, and a copy being extracted now")
                .containsExactlyInAnyOrder(newest, copies.get(4), copies.get(3), extracting);
    }

    @Test
    void theOuterJarIsReadFromTheNestedLocation() throws Exception {
        assertThat(ExtractedLaunch.sourceJar("jar:nested:/opt/my%20hub/caravan-1.jar/!BOOT-INF/classes/!/"))
                .isEqualTo(Path.of("/opt/my hub/caravan-1.jar"));
        assertThatThrownBy(() -> ExtractedLaunch.sourceJar("file:/opt/hub/classes/"))
                .isInstanceOf(IOException.class).hasMessageContaining("file:/opt/hub/classes/");
    }

    @Test
    void onlyTheFatJarsOwnLoaderRelaunchesAndItCanBeTurnedOff() throws Throwable {
        assertThat(ExtractedLaunch.relaunch(ExtractedLaunchTest.class, new String[0]))
                .as("a class path start (tests, spring-boot:run, the extracted layout) starts as it is").isFalse();
        String before = System.getProperty("caravan.launch.extract");
        try {
            System.setProperty("caravan.launch.extract", "false");
            assertThat(ExtractedLaunch.enabled()).isFalse();
            System.setProperty("caravan.launch.extract", "true");
            assertThat(ExtractedLaunch.enabled()).isTrue();
        } finally {
            if (before == null) {
                System.clearProperty("caravan.launch.extract");
            } else {
                System.setProperty("caravan.launch.extract", before);
            }
        }
    }

    private static List<Path> children(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.toList();
        }
    }
}
