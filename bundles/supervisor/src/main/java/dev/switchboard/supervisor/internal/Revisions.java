package dev.switchboard.supervisor.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import org.osgi.framework.Bundle;

/**
 * Names a bundle revision so an operator can tell two apart when their versions are the same (every
 * development build is 0.1.0.SNAPSHOT): the version and a digest of the content, the same for a
 * jar on disk and for the running bundle built from it, whatever the zip encoding.
 */
final class Revisions {

    private Revisions() {
    }

    /** e.g. {@code 0.1.0.SNAPSHOT (content 3f2a9c1b0d4e)}. */
    static String label(String version, String digest) {
        return version + " (content " + digest + ")";
    }

    /** The content digest of a jar's bytes: its entries but the manifest, by name. */
    static String digest(byte[] jar) throws IOException {
        TreeMap<String, byte[]> entries = new TreeMap<>();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            JarEntry e;
            while ((e = in.getNextJarEntry()) != null) {
                if (!e.isDirectory()) {
                    entries.put(e.getName(), in.readAllBytes());
                }
            }
        }
        return digest(entries);
    }

    /** The content digest of an installed bundle, computed the same way. */
    static String digest(Bundle b) throws IOException {
        return digest(contents(b));
    }

    /** An installed bundle's files but its manifest, by path, as its jar had them. */
    static TreeMap<String, byte[]> contents(Bundle b) throws IOException {
        TreeMap<String, byte[]> entries = new TreeMap<>();
        Enumeration<URL> found = b.findEntries("/", "*", true);
        List<URL> all = found == null ? List.of() : Collections.list(found);
        for (URL url : all) {
            String path = url.getPath().startsWith("/") ? url.getPath().substring(1) : url.getPath();
            if (path.isEmpty() || path.endsWith("/") || path.equals("META-INF/MANIFEST.MF")) {
                continue;
            }
            try (InputStream in = url.openStream()) {
                entries.put(path, in.readAllBytes());
            }
        }
        return entries;
    }

    private static String digest(TreeMap<String, byte[]> entries) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            entries.forEach((name, bytes) -> {
                if (!name.equals("META-INF/MANIFEST.MF")) {
                    sha.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    sha.update((byte) 0);
                    sha.update(bytes);
                }
            });
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
