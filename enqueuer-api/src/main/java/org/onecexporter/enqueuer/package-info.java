/**
 * The enqueuer a payment processor calls after payment. The Redis queue it writes to arrives with the queue
 * issue; until then this module only builds against {@code common}, and {@code onec-exporter export} is the
 * direct path.
 */
package org.onecexporter.enqueuer;
