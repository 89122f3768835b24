package org.onecexporter.console;

import java.util.Optional;
import org.onecexporter.config.ConfigException;
import org.onecexporter.config.Env;
import org.onecexporter.http.TrustedProxies;

/**
 * The console's settings: where it listens and the two users' passwords.
 *
 * @param operatorPassword {@code CONSOLE_PASSWORD} (or {@code CONSOLE_PASSWORD_FILE}): user {@code operator},
 *     who may requeue and queue exports; required
 * @param viewerPassword {@code CONSOLE_VIEWER_PASSWORD} (or {@code _FILE}): user {@code viewer}, read-only; the
 *     user does not exist when it is not set
 * @param trustedProxies {@code HTTP_TRUSTED_PROXIES}: the reverse proxies whose {@code X-Forwarded-For} names the
 *     client (for the per-address limits and the slow-down of password guessing); none by default
 */
public record ConsoleConfig(String host, int port, String operatorPassword, Optional<String> viewerPassword,
    TrustedProxies trustedProxies) {
  public static final int MIN_PASSWORD_LENGTH = 12;

  /** Without a reverse proxy in front (X-Forwarded-For ignored). */
  public ConsoleConfig(String host, int port, String operatorPassword, Optional<String> viewerPassword) {
    this(host, port, operatorPassword, viewerPassword, TrustedProxies.none());
  }

  public ConsoleConfig {
    check("CONSOLE_PASSWORD", operatorPassword);
    viewerPassword.ifPresent(p -> check("CONSOLE_VIEWER_PASSWORD", p));
    if (viewerPassword.isPresent() && viewerPassword.get().equals(operatorPassword)) {
      throw new ConfigException("CONSOLE_VIEWER_PASSWORD", "must differ from CONSOLE_PASSWORD");
    }
  }

  private static void check(String name, String password) {
    if (password.length() < MIN_PASSWORD_LENGTH) {
      throw new ConfigException(name, "is too short (" + password.length() + " characters): use at least "
          + MIN_PASSWORD_LENGTH + ", e.g. openssl rand -base64 18");
    }
  }

  public static ConsoleConfig fromEnv(Env env) {
    String operator = env.secret("CONSOLE_PASSWORD", "the console's operator password; the console does not "
        + "start without one");
    Optional<String> viewer = env.optional("CONSOLE_VIEWER_PASSWORD").isPresent()
        || env.optional("CONSOLE_VIEWER_PASSWORD_FILE").isPresent()
        ? Optional.of(env.secret("CONSOLE_VIEWER_PASSWORD", "the read-only viewer's password"))
        : Optional.empty();
    return new ConsoleConfig(env.string("CONSOLE_HOST", "127.0.0.1"), env.integer("CONSOLE_PORT", 8082, 0, 65_535),
        operator, viewer, TrustedProxies.parse(env.string(TrustedProxies.VARIABLE, "")));
  }

  @Override
  public String toString() {
    return "ConsoleConfig[host=" + host + ", port=" + port + ", viewer=" + viewerPassword.isPresent() + "]";
  }
}
