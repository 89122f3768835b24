# Sourced by the ops/ launchers: prints the runnable jar of a module, building it first when it is missing or
# older than the sources (after a git pull, say).
onec_jar() { # $1 = module directory name
  local root module jar
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  module="$1"
  jar=$(ls "$root/$module"/target/"$module"-*-all.jar 2>/dev/null | head -n 1 || true)
  local sources=("$root/pom.xml" "$root/$module/pom.xml" "$root/$module/src/main")
  [ "$module" = onec-emulator ] || sources+=("$root/common/pom.xml" "$root/common/src/main" "$root/queue/pom.xml"
    "$root/queue/src/main" "$root/enqueuer-api/pom.xml" "$root/enqueuer-api/src/main")
  if [ -z "$jar" ] || [ -n "$(find "${sources[@]}" -newer "$jar" -type f 2>/dev/null | head -n 1)" ]; then
    echo "$module: building the jar…" >&2
    (cd "$root" && ./mvnw -q -B -ntp -DskipTests -pl "$module" -am package) >&2 || return 1
    jar=$(ls "$root/$module"/target/"$module"-*-all.jar | head -n 1)
  fi
  printf '%s\n' "$jar"
}
