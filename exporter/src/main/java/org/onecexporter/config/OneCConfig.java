package org.onecexporter.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * How to reach the 1C HTTP service. {@link #toString()} never prints the password.
 *
 * @param baseUrl publication root, e.g. {@code http://1c-server:8080/unf}
 * @param endpoint path appended to the base URL, {@code /hs/invoices} by default
 * @param timeout response timeout of one attempt
 * @param retryDelays delay before retry 1, 2, ... (1 + size attempts in all)
 */
public record OneCConfig(
    URI baseUrl, String endpoint, String username, String password, Duration timeout, List<Duration> retryDelays) {

  public static final String DEFAULT_ENDPOINT = "/hs/invoices";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
  public static final List<Duration> DEFAULT_RETRY_DELAYS =
      List.of(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10));

  public OneCConfig {
    retryDelays = List.copyOf(retryDelays);
    if (username.contains(":")) {
      throw new ConfigException("ONEC_USERNAME", "must not contain ':' (Basic auth cannot carry it)");
    }
  }

  public static OneCConfig fromEnv(Env env) {
    String rawBase = env.required("ONEC_BASE_URL", "the 1C publication root, e.g. http://1c-server:8080/unf");
    URI base;
    try {
      base = URI.create(rawBase.endsWith("/") ? rawBase.substring(0, rawBase.length() - 1) : rawBase);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("ONEC_BASE_URL", "is not a URL: " + Redact.inText(e.getMessage()));
    }
    if (base.getScheme() == null
        || !(base.getScheme().equals("http") || base.getScheme().equals("https"))
        || base.getHost() == null) {
      throw new ConfigException("ONEC_BASE_URL", "must be an http:// or https:// URL with a host, got '" + Redact.url(rawBase) + "'");
    }
    if (base.getUserInfo() != null) {
      throw new ConfigException("ONEC_BASE_URL", "must not carry credentials; use ONEC_USERNAME and ONEC_PASSWORD");
    }
    String endpoint = env.string("ONEC_INVOICES_ENDPOINT", DEFAULT_ENDPOINT);
    if (!endpoint.startsWith("/")) {
      endpoint = "/" + endpoint;
    }
    String username = env.required("ONEC_USERNAME", "the 1C infobase user, may be Cyrillic");
    String password = env.secret("ONEC_PASSWORD", "the 1C user's password; ONEC_PASSWORD_FILE names a file holding it");
    Duration timeout = env.seconds("ONEC_TIMEOUT_SECONDS", DEFAULT_TIMEOUT, false);
    List<Duration> delays = env.secondsList("ONEC_RETRY_DELAYS", DEFAULT_RETRY_DELAYS);
    return new OneCConfig(base, endpoint, username, password, timeout, delays);
  }

  public URI invoicesUri() {
    return URI.create(baseUrl + endpoint);
  }

  @Override
  public String toString() {
    return "OneCConfig[url=" + invoicesUri() + ", username=" + username + ", password=***, timeout=" + timeout
        + ", retryDelays=" + retryDelays + "]";
  }
}
