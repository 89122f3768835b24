package org.onecexporter.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a test class that uses {@link DatabaseExtension} on MariaDB/MySQL instead of PostgreSQL. Put it on an empty
 * subclass ({@code class FooOnMariaDbTest extends FooTest}) so that every test of the class runs on both servers,
 * as JobRunr's {@code AbstractStorageProviderTest} runs one suite per storage.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface OnMariaDb {
}
