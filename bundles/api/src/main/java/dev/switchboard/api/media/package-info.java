/** Switchboard contracts: media. */
@Export
@Version("1.0.0")
package dev.switchboard.api.media;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
