# Sourced by the ops/ launchers: prints the runnable jar of a module, building it first when it is missing or
# older than the sources (after a git pull, say).
onec_jar() { # $1 = module directory name
  local root module jar
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  module="$1"
  jar=$(ls "$root/$module"/target/"$module"-*-all.jar 2>/dev/null | head -n 1 || true)
  # Rebuilt when any module's pom or main sources are newer: Maven's -am knows which modules this one needs, so
  # the module graph is written only in the poms.
  local sources=("$root/pom.xml")
  local dir
  for dir in "$root"/*/; do
    if [ -f "$dir/pom.xml" ]; then sources+=("$dir/pom.xml"); fi
    if [ -d "$dir/src/main" ]; then sources+=("$dir/src/main"); fi
  done
  if [ -z "$jar" ] || [ -n "$(find "${sources[@]}" -newer "$jar" -type f 2>/dev/null | head -n 1)" ]; then
    echo "$module: building the jar…" >&2
    (cd "$root" && ./mvnw -q -B -ntp -DskipTests -pl "$module" -am package) >&2 || return 1
    jar=$(ls "$root/$module"/target/"$module"-*-all.jar | head -n 1)
    # Maven leaves a jar whose content did not change as it was: marked newer than the sources, it is not
    # rebuilt on every call after a change elsewhere (another module's sources, which this jar does not hold).
    touch "$jar"
  fi
  printf '%s\n' "$jar"
}
