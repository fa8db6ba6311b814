package dev.switchboard.lifecycle.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.launch.Framework;

/**
 * Starts first (start level 1): takes the instance lock, or ends this process at once with a clear
 * message, before anything could touch the running instance's database, port or management socket;
 * then installs the stop on SIGTERM and Ctrl-C.
 */
public final class LifecycleActivator implements BundleActivator {

    private InstanceLock lock;
    private GracefulStop stop;

    @Override
    public void start(BundleContext context) throws IOException {
        String home = context.getProperty("switchboard.home");
        Path data = Path.of(home == null ? "." : home, "data").toAbsolutePath().normalize();
        Optional<InstanceLock> acquired = InstanceLock.acquire(data);
        if (acquired.isEmpty()) {
            // Not a log line: logging is not set up this early, and the message is for the person who ran it.
            System.err.println("Switchboard is already running in " + data.getParent() + " (pid " + InstanceLock.holder(data)
                    + "; see " + data.resolve("switchboard.lock") + "). This second instance exits and touches nothing."
                    + " Stop the first one (bin/switchboard stop) or start this one in another folder.");
            System.err.flush();
            Runtime.getRuntime().halt(1); // no shutdown hooks: nothing of this instance may run on
        }
        lock = acquired.get();
        stop = new GracefulStop((Framework) context.getBundle(0), data);
        stop.install();
    }

    @Override
    public void stop(BundleContext context) throws IOException {
        if (stop != null) {
            stop.uninstall();
        }
        if (lock != null) {
            lock.close();
        }
    }
}
