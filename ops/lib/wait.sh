# Sourced by the ops/ scripts: waits for a condition with a deadline, so a process that never comes up fails
# the script with a message instead of hanging it (and CI) forever.
#   onec_wait_until 30 "the emulator answers" curl -fs http://127.0.0.1:18188/_emulator/health
onec_wait_until() { # $1 = seconds, $2 = what is awaited, then the command that succeeds once it is there
  local seconds="$1" what="$2" deadline
  shift 2
  deadline=$(( $(date +%s) + seconds ))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "timed out after ${seconds}s waiting until $what" >&2
      return 1
    fi
    sleep 0.1
  done
}
