package org.onecexporter.testing;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.onecexporter.config.OneCConfig;
import org.onecexporter.domain.InvoiceBuilder;
import org.onecexporter.export.OneCExporter;
import org.onecexporter.export.RetrySchedule;
import org.onecexporter.export.Sleeper;
import org.onecexporter.logging.PiiMasker;
import org.onecexporter.onec.HttpOneCClient;

/** Real exporters (real HTTP client, real PostgreSQL) pointed at a test server. */
public final class Exporters {
  private Exporters() {}

  public static OneCConfig config(String baseUrl, String user, String password, Duration timeout,
      List<Duration> delays) {
    return new OneCConfig(URI.create(baseUrl), OneCConfig.DEFAULT_ENDPOINT, user, password, timeout, delays);
  }

  public static OneCExporter exporter(TestDatabase db, OneCConfig config, Sleeper sleeper) {
    HttpOneCClient client = new HttpOneCClient(config, 8);
    return new OneCExporter(db.jdbi(), client, new InvoiceBuilder(ZoneId.of("Europe/Moscow")),
        new RetrySchedule(config.retryDelays()), sleeper, Clock.systemUTC(), new PiiMasker(true), config.timeout());
  }

  /** Over any order store (a platform preset, another database). */
  public static OneCExporter exporter(org.onecexporter.db.OrderStore store, OneCConfig config, Sleeper sleeper) {
    HttpOneCClient client = new HttpOneCClient(config, 8);
    return new OneCExporter(store, client, new InvoiceBuilder(ZoneId.of("Europe/Moscow")),
        new RetrySchedule(config.retryDelays()), sleeper, Clock.systemUTC(), new PiiMasker(true), config.timeout());
  }
}
