package org.onecexporter.logging;

import ch.qos.logback.core.FileAppender;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A {@link FileAppender} whose file is readable by its owner and group only ({@code rw-r-----}): the log holds order
 * ids, invoice numbers and (masked) errors, not for every user of the host. A new file is created so; an existing
 * file opened with wider permissions is narrowed (when the process owns it). On a file system without POSIX
 * permissions it behaves as the plain appender.
 */
public class PrivateFileAppender<E> extends FileAppender<E> {
  static final Set<PosixFilePermission> PERMISSIONS = PosixFilePermissions.fromString("rw-r-----");

  @Override
  public void openFile(String fileName) throws IOException {
    Path path = Path.of(fileName).toAbsolutePath();
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    if (posix && !Files.exists(path)) {
      Files.createDirectories(path.getParent());
      try {
        Files.createFile(path, PosixFilePermissions.asFileAttribute(PERMISSIONS));
      } catch (java.nio.file.FileAlreadyExistsException raced) {
        // another process on the host created it meanwhile (prudent mode): narrowed below
      }
    }
    super.openFile(fileName);
    if (posix) {
      try {
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(path);
        if (!PERMISSIONS.containsAll(now)) {
          Files.setPosixFilePermissions(path, PERMISSIONS);
        }
      } catch (IOException | UnsupportedOperationException | SecurityException e) {
        addWarn("cannot narrow the permissions of " + path + ": " + e);
      }
    }
  }
}
