# Sourced by the ops/ scripts and .ci/run: makes JAVA_HOME point at a JDK 21 or newer.
# Order: an existing JAVA_HOME that is new enough, then the JDKs under /usr/lib/jvm (newest first),
# then `java` on the PATH.

_onec_java_major() { # prints the major version of the java binary given as $1
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

# Maven 3.9's Guice calls sun.misc.Unsafe; JDK 24+ warns on every build unless told it is allowed.
_onec_quiet_maven() {
  if [ "$1" -ge 24 ] && [[ "${MAVEN_OPTS:-}" != *sun-misc-unsafe* ]]; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
}

onec_pick_java() {
  local candidate major
  for candidate in ${JAVA_HOME:+"$JAVA_HOME"} $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    candidate=${candidate%/}
    [ -x "$candidate/bin/javac" ] || continue
    major=$(_onec_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "${major%%.*}" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      _onec_quiet_maven "${major%%.*}"
      return 0
    fi
  done
  if command -v javac >/dev/null 2>&1; then
    major=$(_onec_java_major "$(command -v java)")
    if [ -n "$major" ] && [ "${major%%.*}" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
      return 0
    fi
  fi
  echo "onec-exporter needs a JDK 21 or newer; none found in JAVA_HOME, /usr/lib/jvm or PATH." >&2
  echo "Install one (e.g. 'apt-get install openjdk-21-jdk-headless' or Temurin 21+) and retry." >&2
  return 1
}
