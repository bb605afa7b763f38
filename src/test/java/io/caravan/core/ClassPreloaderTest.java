package io.caravan.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The start's class list is current, and preloading loads without initialising, skipping what is not there. */
class ClassPreloaderTest {

    static final AtomicBoolean PROBE_INITIALISED = new AtomicBoolean();

    static class Probe {
        static {
            PROBE_INITIALISED.set(true);
        }
    }

    private final ClassLoader loader = ClassPreloaderTest.class.getClassLoader();

    @Test
    void everyLibraryClassOnTheListIsOnTheClassPath() {
        List<String> names = ClassPreloader.names(loader, false);
        assertThat(names).as(ClassPreloader.LIST).hasSizeGreaterThan(5_000).contains("io.caravan.CaravanApplication")
                .noneMatch(name -> name.startsWith("#"))
                .as("Spring AOT's generated classes are left out where the start does not use them")
                .noneMatch(name -> name.contains("__"));
        List<String> gone = names.stream()
                .filter(name -> !isJdk(name))
                .filter(name -> loader.getResource(name.replace('.', '/') + ".class") == null)
                .toList();
        assertThat(gone).as("""
                classes on %s that are no longer on the class path: the libraries changed, so the list no longer \
                matches what a start loads; record it again with BENCH_RECORD_PRELOAD=true bench/startup/run.sh\
                """.formatted(ClassPreloader.LIST)).isEmpty();
    }

    @Test
    void theListKeepsSpringAotsClassesForAStartThatUsesThem() {
        assertThat(ClassPreloader.names(loader, true)).anyMatch(name -> name.contains("__BeanDefinitions"));
    }

    @Test
    void classesAreLoadedButNotInitialisedAndMissingOnesAreSkipped() throws Exception {
        ClassPreloader.Result result = ClassPreloader.preload(loader,
                List.of(Probe.class.getName(), "io.caravan.core.NoSuchClass", String.class.getName()));

        assertThat(result.loaded()).isEqualTo(2);
        assertThat(result.missing()).isEqualTo(1);
        assertThat(PROBE_INITIALISED).as("no static initialiser runs on the preloading thread").isFalse();
        Class.forName(Probe.class.getName(), true, loader);
        assertThat(PROBE_INITIALISED).as("the probe does initialise when used").isTrue();
    }

    @Test
    void offWhenTurnedOffDuringAotProcessingAndWithAnArchive() {
        List<String> plain = List.of("-Xms128m", "-XX:+UseSerialGC");
        assertThat(ClassPreloader.enabled(null, false, plain)).isTrue();
        assertThat(ClassPreloader.enabled("true", false, plain)).isTrue();
        assertThat(ClassPreloader.enabled(" ", false, plain)).isTrue();
        assertThat(ClassPreloader.enabled("false", false, plain)).isFalse();
        assertThat(ClassPreloader.enabled("FALSE", false, plain)).isFalse();
        assertThat(ClassPreloader.enabled(null, true, plain)).as("Spring AOT's build step runs main").isFalse();
        assertThat(ClassPreloader.enabled(null, false, List.of("-XX:AOTCache=/app/aot/caravan.aot"))).isFalse();
        assertThat(ClassPreloader.enabled(null, false, List.of("-XX:SharedArchiveFile=app.jsa"))).isFalse();
        assertThat(ClassPreloader.enabled(null, false, List.of("-XX:AOTCacheOutput=/app/aot/caravan.aot")))
                .as("a training run starts as a plain one does").isTrue();
    }

    private static boolean isJdk(String name) {
        int dot = name.lastIndexOf('.');
        String pkg = dot < 0 ? "" : name.substring(0, dot);
        return ModuleLayer.boot().modules().stream().anyMatch(module -> module.getPackages().contains(pkg))
                || name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
                || name.startsWith("sun.") || name.startsWith("com.sun.");
    }
}
