package org.onecexporter.onec;

import java.time.Duration;
import java.util.Optional;

/** A raw HTTP answer from 1C, before classification. */
public record HttpAnswer(int status, String contentType, String body, Optional<Duration> retryAfter) {
  public HttpAnswer {
    contentType = contentType == null ? "" : contentType;
    body = body == null ? "" : body;
  }
}
