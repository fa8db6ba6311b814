/** Switchboard contracts: auth. */
@Export
@Version("1.1.0")
package dev.switchboard.api.auth;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
