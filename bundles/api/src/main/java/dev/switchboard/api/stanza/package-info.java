/** Switchboard contracts: stanza. */
@Export
@Version("1.1.0")
package dev.switchboard.api.stanza;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
