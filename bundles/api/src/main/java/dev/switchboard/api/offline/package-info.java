/** Switchboard contracts: offline. */
@Export
@Version("1.4.0")
package dev.switchboard.api.offline;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
