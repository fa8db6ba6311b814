/** Switchboard contracts: protocol. */
@Export
@Version("2.0.0")
package dev.switchboard.api.protocol;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
