package org.onecexporter.onec;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The Basic credentials header as 1C builds it: standard Base64 of the UTF-8 bytes of {@code user:password}.
 * Many clients use ISO-8859-1 here, which breaks Cyrillic users such as {@code Администратор}.
 */
public final class BasicAuth {
  private BasicAuth() {}

  public static String header(String user, String password) {
    byte[] raw = (user + ":" + password).getBytes(StandardCharsets.UTF_8);
    return "Basic " + Base64.getEncoder().encodeToString(raw);
  }
}
