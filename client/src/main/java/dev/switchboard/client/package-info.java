/** The Switchboard Java client library. */
@Version("0.1.0")
package dev.switchboard.client;

import org.osgi.annotation.versioning.Version;
