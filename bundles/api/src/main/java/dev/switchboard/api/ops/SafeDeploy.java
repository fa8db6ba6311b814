package dev.switchboard.api.ops;

import java.io.InputStream;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Replaces a running bundle only with one that resolves, and puts the previous revision back when
 * the new one does not come up (its components fail or stay unsatisfied past a timeout). Connections
 * stay up either way (the transport holds them through the swap).
 */
@ProviderType
public interface SafeDeploy {

    /**
     * What a deploy or rollback did.
     *
     * @param outcome      {@code updated}, {@code installed}, {@code refused} (did not resolve; nothing changed),
     *                     {@code rolled-back} (came up broken; the previous revision is back), {@code failed}
     * @param symbolicName the bundle concerned (null when the jar had none)
     * @param version      the version now running
     * @param detail       what was checked or went wrong, in one sentence
     */
    record Result(String outcome, String symbolicName, String version, String detail) {
        public boolean ok() {
            return outcome.equals("updated") || outcome.equals("installed");
        }
    }

    /** Deploys a bundle jar; {@code source} names it in logs (a path or URL). */
    Result deploy(InputStream jar, String source);

    /** Puts back the revision a bundle had before its last deploy. */
    Result rollback(String symbolicName);

    /** Updates (swaps) done through here since start, and their total time in ms. */
    long swaps();

    long swapMillis();
}
