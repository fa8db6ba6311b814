/** Switchboard contracts: the end-to-end encryption key directory, as other bundles see it. */
@Export
@Version("1.0.0")
package dev.switchboard.api.keys;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
