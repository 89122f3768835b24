package org.onecexporter.onec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.onecexporter.config.ConfigException;
import org.onecexporter.config.Env;

/**
 * Trust for {@code https://} to 1C. By default the JVM's trust store (public CAs). {@code ONEC_CA_FILE} names a PEM
 * file of one or more CA certificates (a company's private CA) and then only those are trusted for 1C, like
 * {@code curl --cacert}. Host name verification stays on either way.
 */
public final class OneCTls {
  private OneCTls() {}

  /** The context for {@code ONEC_CA_FILE}, or empty when it is not set. */
  public static Optional<SSLContext> fromEnv(Env env) {
    Optional<String> file = env.optional("ONEC_CA_FILE");
    if (file.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(fromPem(Path.of(file.get())));
  }

  public static SSLContext fromPem(Path pem) {
    Collection<? extends Certificate> certificates;
    try (InputStream in = Files.newInputStream(pem)) {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException e) {
      throw new ConfigException("ONEC_CA_FILE", "cannot read " + pem + ": " + e.getMessage());
    } catch (Exception e) {
      throw new ConfigException("ONEC_CA_FILE", pem + " is not a PEM file of X.509 certificates: " + e.getMessage());
    }
    if (certificates.isEmpty()) {
      throw new ConfigException("ONEC_CA_FILE", pem + " holds no certificate (expected -----BEGIN CERTIFICATE-----)");
    }
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates) {
        if (certificate instanceof X509Certificate x509) {
          trust.setCertificateEntry("onec-ca-" + i++, x509);
        }
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (Exception e) {
      throw new ConfigException("ONEC_CA_FILE", "cannot build a trust store from " + pem + ": " + e.getMessage());
    }
  }
}
