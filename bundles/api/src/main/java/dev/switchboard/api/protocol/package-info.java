/** Switchboard contracts: protocol. */
@Export
@Version("2.1.0")
package dev.switchboard.api.protocol;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
