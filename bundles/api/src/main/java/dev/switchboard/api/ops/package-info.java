/** Switchboard contracts: operations (supervision, safe deploys). */
@Export
@Version("1.0.0")
package dev.switchboard.api.ops;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
