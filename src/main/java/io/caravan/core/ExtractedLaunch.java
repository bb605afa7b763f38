package io.caravan.core;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.springframework.util.FileSystemUtils;

/**
 * Starts the hub of a {@code java -jar caravan.jar} from the jar's extracted layout, extracted once per jar into a cache
 * directory, instead of from the nested jars.
 *
 * <p>Why: Spring Boot's nested-jar class loader is the largest single cost of a plain start (docs/startup.md: about 5 s
 * of CPU of 12–13, every class looked up through up to 247 nested jars), which the extracted layout (plain jar files on
 * a {@link URLClassLoader}, what the container runs) does not pay. The first start of a jar extracts it with Spring
 * Boot's own tool ({@code -Djarmode=tools extract}, the same code as the Dockerfile's); later starts of the same jar
 * only check the cache. As {@code java -jar jenkins.war} does with its web root.
 *
 * <p>The cache: {@code caravan.launch.cache} (system property) or {@code CARAVAN_LAUNCH_CACHE}, else
 * {@code $XDG_CACHE_HOME/caravan/launch} or {@code ~/.cache/caravan/launch}; one directory per jar (its path, size and
 * modification time), made readable by its owner only, complete only once a marker is written, moved into place
 * atomically so hubs starting together never use a half-written one; the three most recently started are kept. Off
 * with {@code -Dcaravan.launch.extract=false} or {@code CARAVAN_LAUNCH_EXTRACT=false}. Anything that fails (no writable
 * home, a full disk) prints one line naming it and the hub starts from the nested jars as before.
 */
public final class ExtractedLaunch {

    static final String LOADER = "org.springframework.boot.loader.launch.LaunchedClassLoader";
    static final String MARKER = "caravan-launch.complete";
    static final int KEEP = 3;

    private ExtractedLaunch() {
    }

    /**
     * Called first in {@code main}: when started from the fat jar (Spring Boot's launcher) and not turned off, runs
     * {@code mainClass.main(args)} from the extracted layout and returns true once it returned; else false, and the
     * caller starts as usual.
     */
    public static boolean relaunch(Class<?> mainClass, String[] args) throws Throwable {
        ClassLoader current = mainClass.getClassLoader();
        if (current == null || !LOADER.equals(current.getClass().getName()) || !enabled()) {
            return false;
        }
        Path thin;
        try {
            Path jar = sourceJar(mainClass);
            thin = thinJar(extracted(jar, cacheRoot(), System.err, ExtractedLaunch::extract), jar);
        } catch (IOException | RuntimeException | ReflectiveOperationException e) {
            System.err.println("caravan: starting from the nested jars, could not use an extracted copy of the jar ("
                    + e + "); -Dcaravan.launch.extract=false skips trying (docs/startup.md)");
            return false;
        }
        URLClassLoader loader = new URLClassLoader("caravan", new URL[]{thin.toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        Method main = Class.forName(mainClass.getName(), true, loader).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        return true;
    }

    static boolean enabled() {
        String value = System.getProperty("caravan.launch.extract", System.getenv("CARAVAN_LAUNCH_EXTRACT"));
        return value == null || !value.trim().equalsIgnoreCase("false");
    }

    static Path cacheRoot() {
        String given = System.getProperty("caravan.launch.cache", System.getenv("CARAVAN_LAUNCH_CACHE"));
        if (given != null && !given.isBlank()) {
            return Path.of(given).toAbsolutePath();
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("caravan").resolve("launch").toAbsolutePath();
    }

    /** The fat jar the class was loaded from. */
    static Path sourceJar(Class<?> mainClass) throws IOException {
        CodeSource source = mainClass.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IOException("no code source for " + mainClass.getName());
        }
        return sourceJar(source.getLocation().toString());
    }

    /** The outer jar of a nested-jar location, {@code jar:nested:/path/app.jar/!BOOT-INF/classes/!/}. */
    static Path sourceJar(String location) throws IOException {
        int nested = location.indexOf("nested:");
        int inner = location.indexOf("/!", nested);
        if (nested < 0 || inner < 0) {
            throw new IOException("not a nested jar URL: " + location);
        }
        try {
            return Path.of(new URI("file:" + location.substring(nested + "nested:".length(), inner)));
        } catch (URISyntaxException e) {
            throw new IOException("cannot read the jar's path from " + location, e);
        }
    }

    /** Writes the extracted layout of a jar into an empty directory. */
    interface Extractor {
        void extract(Path jar, Path destination) throws IOException, ReflectiveOperationException;
    }

    /** The jar's extracted layout in {@code root}, extracted now if no complete one is there. */
    static Path extracted(Path jar, Path root, PrintStream log, Extractor extractor) throws IOException, ReflectiveOperationException {
        String key = key(jar);
        Path dir = root.resolve(key);
        if (complete(dir, key)) {
            try {
                // when it was last started, for prune(); a copy the hub may only read is still used
                Files.setLastModifiedTime(dir.resolve(MARKER), FileTime.fromMillis(System.currentTimeMillis()));
            } catch (IOException e) {
                log.println("caravan: could not mark " + dir + " as used (" + e + ")");
            }
            return dir;
        }
        Files.createDirectories(root);
        ownerOnly(root);
        Path work = Files.createTempDirectory(root, key + ".part-");
        try {
            long started = System.nanoTime();
            extractor.extract(jar, work);
            Files.writeString(work.resolve(MARKER), key, StandardCharsets.UTF_8);
            try {
                Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileSystemException e) {
                if (!Files.isDirectory(dir)) {
                    throw e;
                }
                // Another hub starting from the same jar got there first: use its copy. Copies are only ever moved
                // into place complete, so one in the way without its marker is a leftover (a copy being pruned): replace it.
                if (!complete(dir, key)) {
                    deleteTree(dir);
                    Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            log.printf("caravan: extracted %s to %s in %d ms, for faster starts (docs/startup.md)%n", jar, dir,
                    (System.nanoTime() - started) / 1_000_000);
        } finally {
            deleteTree(work);
        }
        prune(root, dir);
        return dir;
    }

    /** Path, size and modification time: a rebuilt or replaced jar gets a copy of its own. */
    static String key(Path jar) throws IOException {
        Path real = jar.toRealPath();
        String name = real.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        return String.format(Locale.ROOT, "%s-%08x-%x-%x", name, real.toString().hashCode(), Files.size(real),
                Files.getLastModifiedTime(real).toMillis());
    }

    static boolean complete(Path dir, String key) throws IOException {
        Path marker = dir.resolve(MARKER);
        // Only a copy of this user's: the class path of the hub is whatever the copy holds.
        return Files.isRegularFile(marker) && Files.getOwner(dir).getName().equals(System.getProperty("user.name"))
                && key.equals(Files.readString(marker, StandardCharsets.UTF_8));
    }

    /** Spring Boot's {@code -Djarmode=tools extract} (spring-boot-jarmode-tools, in the jar), run in this JVM. */
    static void extract(Path jar, Path destination) throws ReflectiveOperationException {
        ClassLoader loader = ExtractedLaunch.class.getClassLoader();
        Class<?> context = Class.forName("org.springframework.boot.jarmode.tools.Context", true, loader);
        Constructor<?> contextOf = context.getDeclaredConstructor(File.class, File.class);
        contextOf.setAccessible(true);
        Object ctx = contextOf.newInstance(jar.toAbsolutePath().toFile(), destination.toAbsolutePath().toFile());
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        Object tools = Class.forName("org.springframework.boot.jarmode.tools.ToolsJarMode", true, loader)
                .getConstructor(context, PrintStream.class).newInstance(ctx, new PrintStream(said, true, StandardCharsets.UTF_8));
        try {
            tools.getClass().getMethod("run", String.class, String[].class).invoke(tools, "tools",
                    new String[]{"extract", "--destination", destination.toAbsolutePath().toString(), "--force"});
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("extracting " + jar + " failed: " + e.getCause(), e.getCause());
        }
        // The tool reports a wrong option or argument by printing it, not by throwing.
        String output = said.toString(StandardCharsets.UTF_8);
        if (output.contains("Error")) {
            throw new IllegalStateException("extracting " + jar + " failed: " + output.trim());
        }
    }

    /** The extracted application jar, which names {@code lib/*.jar} on its Class-Path. */
    static Path thinJar(Path layout, Path jar) throws IOException {
        Path thin = layout.resolve(jar.getFileName().toString());
        if (!Files.isRegularFile(thin)) {
            throw new IOException("no " + thin.getFileName() + " in " + layout);
        }
        return thin;
    }

    private static void ownerOnly(Path dir) {
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system, or not ours to change: the directory's owner is checked before use anyway
        }
    }

    /** Keeps the {@link #KEEP} most recently started copies (a start touches its marker) and this one. */
    static void prune(Path root, Path keep) {
        List<Path> copies = new ArrayList<>();
        long hourAgo = System.currentTimeMillis() - 3_600_000;
        try (Stream<Path> entries = Files.list(root)) {
            entries.filter(p -> !p.equals(keep)).forEach(p -> {
                if (Files.isRegularFile(p.resolve(MARKER))) {
                    copies.add(p);
                } else if (p.getFileName().toString().contains(".part-") && modifiedBefore(p, hourAgo)) {
                    deleteTree(p); // left by a start that died extracting
                }
            });
        } catch (IOException e) {
            return;
        }
        copies.sort(Comparator.comparing(ExtractedLaunch::lastStarted).reversed());
        for (Path old : copies.subList(Math.min(copies.size(), KEEP - 1), copies.size())) {
            deleteTree(old);
        }
    }

    private static boolean modifiedBefore(Path p, long millis) {
        try {
            return Files.getLastModifiedTime(p).toMillis() < millis;
        } catch (IOException e) {
            return false;
        }
    }

    private static FileTime lastStarted(Path copy) {
        try {
            return Files.getLastModifiedTime(copy.resolve(MARKER));
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    static void deleteTree(Path dir) {
        try {
            FileSystemUtils.deleteRecursively(dir);
        } catch (IOException e) {
            // left for the next prune
        }
    }
}
