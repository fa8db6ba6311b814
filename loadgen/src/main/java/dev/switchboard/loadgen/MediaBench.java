package dev.switchboard.loadgen;

import dev.switchboard.client.ClientException;
import dev.switchboard.client.MediaRef;
import dev.switchboard.client.SwitchboardClient;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Media throughput on loopback against a running server: uploads and downloads one random file
 * (50 MB by default) several times through the SDK and compares with copying the same file on the
 * same disk. Usage: {@code java -cp loadgen.jar dev.switchboard.loadgen.MediaBench [MB [runs [port]]]}.
 */
public final class MediaBench {

    private MediaBench() {
    }

    public static void main(String[] args) throws Exception {
        int mb = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int port = args.length > 2 ? Integer.parseInt(args[2]) : 5200;
        Path dir = Files.createTempDirectory(Path.of("."), "media-bench");
        try {
            Path file = dir.resolve("blob.bin");
            Random random = new Random();
            byte[] chunk = new byte[1 << 20];
            try (OutputStream out = Files.newOutputStream(file)) {
                for (int i = 0; i < mb; i++) {
                    random.nextBytes(chunk);
                    out.write(chunk);
                }
            }
            String user = "1999" + String.format(Locale.ROOT, "%07d", random.nextInt(10_000_000));
            try (SwitchboardClient c = SwitchboardClient.connect("127.0.0.1", port)) {
                c.register(user, "media-bench-password");
            }
            List<Double> up = new ArrayList<>();
            List<Double> down = new ArrayList<>();
            List<Double> copy = new ArrayList<>();
            try (SwitchboardClient c = SwitchboardClient.connect("127.0.0.1", port)) {
                c.login(user, 0, "media-bench-password");
                for (int i = 0; i < runs; i++) {
                    // a fresh blob each time (one changed byte), so no upload finds its content already stored
                    try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                        ch.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) i, (byte) random.nextInt()}), 0);
                    }
                    long t0 = System.nanoTime();
                    MediaRef ref = c.upload(file);
                    long t1 = System.nanoTime();
                    Path got = dir.resolve("got-" + i + ".bin");
                    c.download(ref.sha256(), got);
                    long t2 = System.nanoTime();
                    Path copied = dir.resolve("copy-" + i + ".bin");
                    Files.copy(file, copied, StandardCopyOption.REPLACE_EXISTING);
                    try (var ch = java.nio.channels.FileChannel.open(copied, java.nio.file.StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                    long t3 = System.nanoTime();
                    up.add(rate(mb, t1 - t0));
                    down.add(rate(mb, t2 - t1));
                    copy.add(rate(mb, t3 - t2));
                    Files.delete(got);
                    Files.delete(copied);
                }
            }
            System.out.printf(Locale.ROOT, "file %d MB, %d runs: upload median %.0f MB/s, download median %.0f MB/s,"
                    + " copy on this disk median %.0f MB/s%n", mb, runs, median(up), median(down), median(copy));
            System.out.println("upload   MB/s per run: " + up);
            System.out.println("download MB/s per run: " + down);
            System.out.println("copy     MB/s per run: " + copy);
        } catch (ClientException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static double rate(int mb, long nanos) {
        return Math.round(mb / (nanos / 1e9));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

}
