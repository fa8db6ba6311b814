package dev.switchboard.lifecycle.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and Ctrl-C (SIGINT) stop the framework the orderly way: every bundle is stopped in
 * reverse start order, so the transport tells its clients {@code shutdown} and the offline store
 * commits its journal before the database closes. The process then exits 0, or 1 when the stop
 * did not finish within {@value #STOP_SECONDS} s. A pid file ({@code data/switchboard.pid}) lets
 * {@code bin/switchboard stop} find the process.
 */
final class GracefulStop {

    static final long STOP_SECONDS = 10;

    private final Framework framework;
    private final Path pidFile;
    private final Thread hook = new Thread(this::onSignal, "sb-graceful-stop");
    private volatile boolean stoppingFromSignal;

    GracefulStop(Framework framework, Path data) {
        this.framework = framework;
        this.pidFile = data.resolve("switchboard.pid");
    }

    void install() {
        try {
            Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
            Files.setPosixFilePermissions(pidFile, InstanceLock.OWNER_ONLY_FILE);
        } catch (java.io.IOException e) {
            System.err.println("cannot write " + pidFile + ": " + e.getMessage());
        }
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The framework is stopping for another reason (the console's stop 0): the hook is not needed. */
    void uninstall() {
        try {
            Files.deleteIfExists(pidFile);
        } catch (java.io.IOException ignored) {
            // a stale pid file is harmless: bin/switchboard stop checks the process
        }
        if (!stoppingFromSignal) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the JVM is exiting for another reason: let the hook run
            }
        }
    }

    private void onSignal() {
        stoppingFromSignal = true;
        Logger log = LoggerFactory.getLogger(GracefulStop.class); // logging is set up by now
        log.info("Stop requested (SIGTERM or Ctrl-C): stopping every bundle, at most {} s", STOP_SECONDS);
        long t0 = System.nanoTime();
        int status;
        try {
            framework.stop();
            FrameworkEvent done = framework.waitForStop(TimeUnit.SECONDS.toMillis(STOP_SECONDS));
            status = done.getType() == FrameworkEvent.WAIT_TIMEDOUT ? 1 : 0;
        } catch (BundleException | InterruptedException e) {
            status = 1;
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        String line = status == 0 ? "Switchboard stopped cleanly in " + ms + " ms" : "Switchboard did not stop within "
                + STOP_SECONDS + " s; exiting anyway";
        System.out.println(line); // logging is gone with its bundle by now
        System.out.flush();
        Runtime.getRuntime().halt(status); // the exit status says whether the stop was clean
    }
}
