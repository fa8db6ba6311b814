package dev.switchboard.api.store;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The index of stored media blobs in SQL: who uploaded each first (for quotas), when, and when a
 * message last referred to it (for retention). The bytes themselves are files of the media bundle.
 * Every method throws {@link StoreException} when the database cannot be reached or fails.
 */
@ProviderType
public interface MediaStore {

    /** One stored blob. */
    record Blob(String sha256, long size, String owner, long createdAtMs, long lastReferencedAtMs) {
    }

    /** Records a blob. @return false when one with this hash was already recorded (nothing changes) */
    boolean insert(String sha256, long size, String owner, long nowMs) throws StoreException;

    Optional<Blob> blob(String sha256) throws StoreException;

    /** Bytes of the blobs an account uploaded first. */
    long usage(String owner) throws StoreException;

    /** A message referred to the blob at {@code atMs}. */
    void touch(String sha256, long atMs) throws StoreException;

    /**
     * Blobs due for collection: never referred to and created before {@code unreferencedBeforeMs},
     * or neither created nor referred to since {@code retainedBeforeMs}. At most {@code max}.
     */
    List<Blob> collectable(long unreferencedBeforeMs, long retainedBeforeMs, int max) throws StoreException;

    /** Forgets a blob. @return false when there was none */
    boolean delete(String sha256) throws StoreException;
}
