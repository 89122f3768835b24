package org.onecexporter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log file (order ids, invoice numbers, masked errors) is not readable by every user of the host. */
class LogFilePermissionsTest {
  @Test
  void the_shipped_logback_configuration_creates_the_log_file_without_access_for_others(@TempDir Path dir)
      throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    context.putProperty("LOG_DIR", dir.toString());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(LogFilePermissionsTest.class.getResource("/logback.xml"));
    try {
      context.getLogger("test").warn("a line");
      Path file = dir.resolve("1c_exporter.log");
      assertThat(Files.readString(file)).contains("a line");
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      assertThat(permissions).doesNotContain(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.GROUP_WRITE);
      assertThat(permissions).contains(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    } finally {
      context.stop();
    }
  }

  @Test
  void an_existing_world_readable_log_file_is_narrowed_when_opened(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("1c_exporter.log");
    Files.writeString(file, "");
    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    context.putProperty("LOG_DIR", dir.toString());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(LogFilePermissionsTest.class.getResource("/logback.xml"));
    try {
      context.getLogger("test").warn("a line");
      assertThat(Files.getPosixFilePermissions(file)).doesNotContain(PosixFilePermission.OTHERS_READ);
    } finally {
      context.stop();
    }
  }
}
