/** Switchboard contracts: routing. */
@Export
@Version("1.2.0")
package dev.switchboard.api.routing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
