package dev.switchboard.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server process's CPU time, read from {@code /proc/PID/stat} (user + system time), so a run
 * can report what each delivered message cost the server beside what the driver itself used.
 */
final class ServerCpu {

    /** Linux's USER_HZ: /proc reports CPU time in these ticks on every mainstream kernel. */
    private static final long TICKS_PER_SECOND = 100;

    private final Path stat;

    private ServerCpu(long pid) {
        this.stat = Path.of("/proc", Long.toString(pid), "stat");
    }

    /** The server named by {@code --server-pid}, else by {@code data/switchboard.pid}; null when unknown. */
    static ServerCpu find(long pid, Path pidFile) {
        if (pid <= 0 && Files.isReadable(pidFile)) {
            try {
                pid = Long.parseLong(Files.readString(pidFile).trim());
            } catch (IOException | NumberFormatException e) {
                System.err.println("cannot read the server's pid from " + pidFile + ": " + e);
            }
        }
        ServerCpu cpu = pid > 0 ? new ServerCpu(pid) : null;
        if (cpu != null && cpu.nanos() < 0) {
            System.err.println("no process " + pid + ": the server's CPU is not reported");
            return null;
        }
        return cpu;
    }

    /** CPU time used so far in nanoseconds, or -1 when the process is gone. */
    long nanos() {
        try {
            String s = Files.readString(stat);
            // the command name (field 2) may hold spaces: count fields after its closing parenthesis
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            return ticks * (1_000_000_000L / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
