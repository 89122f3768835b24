package org.onecexporter.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import java.util.List;

/**
 * A logged exception's stack trace with each message of its chain (causes and suppressed ones included) masked as
 * text from outside our code ({@link PiiMasker#foreign}: phones, cards and e-mail addresses, personal JSON fields,
 * controls escaped, each message capped), so that a driver's or a parser's message quoting a buyer's data does not
 * reach the log raw; the frames are kept as they are. {@code %maskedEx} in the text log's pattern and the JSON
 * encoder's {@code <throwableConverter>} in logback.xml. {@code LOG_PII=true} leaves the messages unmasked (escaped
 * and capped still), as for every other line.
 */
public final class MaskedThrowableConverter extends ThrowableProxyConverter {
  /** The most characters of one message in the chain that reach the log. */
  static final int MAX_MESSAGE = 2_000;
  private PiiMasker masker = new PiiMasker(true);

  /** Reads {@code LOG_PII} as the processes do ({@link org.onecexporter.config.Env#bool}); a bad value masks. */
  @Override
  public void start() {
    boolean logPii;
    try {
      logPii = org.onecexporter.config.Env.system().bool("LOG_PII", false);
    } catch (RuntimeException e) {
      logPii = false; // the process itself refuses to start on it; the log masks meanwhile
    }
    masker = new PiiMasker(!logPii);
    super.start();
  }

  @Override
  protected String throwableProxyToString(IThrowableProxy tp) {
    return super.throwableProxyToString(tp == null ? null : new Masked(tp, masker));
  }

  /** The same throwable seen through the masker: messages masked, everything else as it was. */
  private record Masked(IThrowableProxy original, PiiMasker masker) implements IThrowableProxy {
    @Override
    public String getMessage() {
      return mask(original.getMessage());
    }

    @Override
    public String getOverridingMessage() {
      return mask(original.getOverridingMessage());
    }

    private String mask(String message) {
      return message == null ? null : masker.foreign(message, List.of(), MAX_MESSAGE);
    }

    @Override
    public String getClassName() {
      return original.getClassName();
    }

    @Override
    public StackTraceElementProxy[] getStackTraceElementProxyArray() {
      return original.getStackTraceElementProxyArray();
    }

    @Override
    public int getCommonFrames() {
      return original.getCommonFrames();
    }

    @Override
    public IThrowableProxy getCause() {
      IThrowableProxy cause = original.getCause();
      return cause == null ? null : new Masked(cause, masker);
    }

    @Override
    public IThrowableProxy[] getSuppressed() {
      IThrowableProxy[] suppressed = original.getSuppressed();
      if (suppressed == null) {
        return null;
      }
      IThrowableProxy[] masked = new IThrowableProxy[suppressed.length];
      for (int i = 0; i < suppressed.length; i++) {
        masked[i] = new Masked(suppressed[i], masker);
      }
      return masked;
    }

    @Override
    public boolean isCyclic() {
      return original.isCyclic();
    }
  }
}
