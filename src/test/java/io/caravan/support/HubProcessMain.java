package io.caravan.support;

import io.caravan.CaravanApplication;
import java.io.IOException;

/**
 * The main class of a {@link HubProcess}: the hub itself, plus a watch on standard input, which the test JVM holds open
 * for as long as it lives. When it ends — however it ends, a surefire timeout's kill included — the pipe closes and
 * the hub goes with it, so no orphaned hub keeps sending on a shared machine.
 */
public final class HubProcessMain {

    private HubProcessMain() {
    }

    public static void main(String[] args) {
        Thread watch = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is ever sent; read until the test JVM is gone
                }
            } catch (IOException gone) {
                // the same: the pipe broke
            }
            Runtime.getRuntime().halt(3);
        }, "test-jvm-watch");
        watch.setDaemon(true);
        watch.start();
        CaravanApplication.main(args);
    }
}
