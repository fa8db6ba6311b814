/** Switchboard contracts: store. */
@Export
@Version("1.5.0")
package dev.switchboard.api.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
