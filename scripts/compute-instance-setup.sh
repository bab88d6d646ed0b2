#!/usr/bin/env bash
# amlprobe as an Azure ML compute instance setup script (the "creation script"): while the instance
# is being created inside the workspace's VNet, probe every documented endpoint once and leave the
# report on the instance. See README.md "On a compute instance" for how to attach it.
#
# Never blocks or fails instance creation: Azure ML marks the instance as failed when a creation
# script exits non-zero or outlives its timeout, and a network probe is exactly the thing that
# meets a broken network. So every step is bounded (`timeout` around amlprobe on top of amlprobe's
# own --deadline) and the script always exits 0; what went wrong is said in the summary line.
#
# Settings (environment variables; all optional):
#   AMLPROBE_BUNDLE       amlprobe-bundle.tar.gz, an unpacked bundle folder, or amlprobe.mjs; an
#                         http(s) URL is fetched with curl (bounded). Default: the tarball beside
#                         this script; if none, an `amlprobe` already on PATH.
#   AMLPROBE_NODE         the node binary (Node.js 20.18+) to run the bundle with. Default: node.
#   AMLPROBE_DEADLINE     seconds amlprobe may take (its --deadline). Default: 30.
#   AMLPROBE_GRACE        seconds `timeout` waits beyond that before stopping it. Default: 10.
#   AMLPROBE_CONFIG       a config file for `amlprobe run --config`. Default: amlprobe.yaml beside
#                         this script, if there is one.
#   AMLPROBE_ARGS         more arguments, split on spaces, e.g. "--region eastus --private-endpoints".
# The script's own arguments (the studio's "script arguments") are passed to amlprobe run too.
#   AMLPROBE_REPORT_DIR   where reports go. Default: /var/log/amlprobe as root, else ~/amlprobe-reports.
#   AMLPROBE_INSTALL_DIR  where the tarball is unpacked. Default: /opt as root, else ~/.local/opt.
#   AMLPROBE_*            profile variables (AMLPROBE_REGION, AMLPROBE_WORKSPACE_ID, ...) reach
#                         amlprobe as they are; CI_WORKSPACE and CI_NAME, which Azure ML sets for
#                         setup scripts, fill AMLPROBE_WORKSPACE_NAME and AMLPROBE_COMPUTE_INSTANCE.
#
# Output: REPORT_DIR/amlprobe-<UTC time>.json (and .html when this amlprobe has that format),
# .log (amlprobe's stderr), amlprobe-latest.json; one summary line on stdout and in syslog.
#
# Worst case duration: 2 x (DEADLINE + GRACE + 5) s plus unpacking; 90 s with the defaults.

set -u
umask 022

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
deadline=${AMLPROBE_DEADLINE:-30}
grace=${AMLPROBE_GRACE:-10}
node_bin=${AMLPROBE_NODE:-node}
config=${AMLPROBE_CONFIG:-}
if [ -z "$config" ] && [ -f "$script_dir/amlprobe.yaml" ]; then config=$script_dir/amlprobe.yaml; fi
script_args=("$@")
case "$deadline$grace" in *[!0-9]*) deadline=30 grace=10 ;; esac
hard_limit=$((deadline + grace))

if [ "$(id -u)" = 0 ]; then
  report_dir=${AMLPROBE_REPORT_DIR:-/var/log/amlprobe}
  install_dir=${AMLPROBE_INSTALL_DIR:-/opt}
else
  report_dir=${AMLPROBE_REPORT_DIR:-$HOME/amlprobe-reports}
  install_dir=${AMLPROBE_INSTALL_DIR:-$HOME/.local/opt}
fi
export AMLPROBE_WORKSPACE_NAME=${AMLPROBE_WORKSPACE_NAME:-${CI_WORKSPACE:-}}
export AMLPROBE_COMPUTE_INSTANCE=${AMLPROBE_COMPUTE_INSTANCE:-${CI_NAME:-}}
[ -n "$AMLPROBE_WORKSPACE_NAME" ] || unset AMLPROBE_WORKSPACE_NAME
[ -n "$AMLPROBE_COMPUTE_INSTANCE" ] || unset AMLPROBE_COMPUTE_INSTANCE

# The one line a person reads in the creation log (stdout) and in syslog.
summary() {
  echo "$1"
  if command -v logger >/dev/null 2>&1; then timeout 5 logger -t amlprobe -- "$1" >/dev/null 2>&1 || true; fi
}

# Sets the array `cmd` to the amlprobe command to run, unpacking the bundle if needed.
find_amlprobe() {
  local source=${AMLPROBE_BUNDLE:-}
  if [ -z "$source" ] && [ -f "$script_dir/amlprobe-bundle.tar.gz" ]; then source=$script_dir/amlprobe-bundle.tar.gz; fi
  if [ -z "$source" ]; then
    if command -v amlprobe >/dev/null 2>&1; then cmd=(amlprobe); return 0; fi
    summary "amlprobe: not run: no amlprobe-bundle.tar.gz beside $0, no AMLPROBE_BUNDLE and no amlprobe on PATH"
    return 1
  fi
  if ! command -v "$node_bin" >/dev/null 2>&1; then
    summary "amlprobe: not run: '$node_bin' not found; install Node.js 20.18+ or set AMLPROBE_NODE"
    return 1
  fi
  case "$source" in
    http://* | https://*)
      local fetched=$install_dir/amlprobe-bundle.tar.gz
      mkdir -p "$install_dir" || return 1
      if ! timeout 30 curl -fsSL --max-time 25 -o "$fetched" "$source" 2>/dev/null; then
        summary "amlprobe: not run: cannot download $source within 25 s"
        return 1
      fi
      source=$fetched
      ;;
  esac
  if [ -d "$source" ]; then
    cmd=("$node_bin" "$source/amlprobe.mjs")
  elif [ "${source%.mjs}" != "$source" ]; then
    cmd=("$node_bin" "$source")
  else
    mkdir -p "$install_dir" && rm -rf "$install_dir/amlprobe" &&
      timeout 60 tar -xzf "$source" -C "$install_dir" || {
      summary "amlprobe: not run: cannot unpack $source into $install_dir"
      return 1
    }
    cmd=("$node_bin" "$install_dir/amlprobe/amlprobe.mjs")
  fi
}

# One bounded amlprobe run writing FORMAT to FILE; echoes amlprobe's exit code (124/137: stopped).
run_once() {
  local format=$1 file=$2 log=$3
  local -a args=(run --deadline "${deadline}s" --format "$format" --output "$file" --no-color)
  [ -n "$config" ] && args+=(--config "$config")
  # shellcheck disable=SC2206 # AMLPROBE_ARGS is split on spaces on purpose.
  local -a extra=(${AMLPROBE_ARGS:-})
  timeout --kill-after=5 "$hard_limit" "${cmd[@]}" "${args[@]}" "${extra[@]}" "${script_args[@]}" </dev/null >>"$log" 2>&1
  echo $?
}

# "3 of 40 required endpoints failed (pass 30, ...)" from a JSON report, or nothing.
describe_report() {
  "$node_bin" -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const s = r.summary;
    const head = s.requiredFailed > 0 ? `FAIL: ${s.requiredFailed} required endpoint(s) failed` : "PASS: every required endpoint passed";
    console.log(`${head} (${s.total} endpoints: ${s.pass} pass, ${s.fail} fail, ${s.warn} warn, ${s.skip} skip; ${(r.durationMs / 1000).toFixed(1)} s${r.deadlineHit ? ", deadline hit" : ""})`);
  ' "$1" 2>/dev/null
}

main() {
  local cmd=()
  find_amlprobe || return 0
  if ! mkdir -p "$report_dir" 2>/dev/null; then
    report_dir=$HOME/amlprobe-reports
    mkdir -p "$report_dir" || { summary "amlprobe: not run: cannot create a report folder"; return 0; }
  fi
  local stamp json html log rc what
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  json=$report_dir/amlprobe-$stamp.json
  html=$report_dir/amlprobe-$stamp.html
  log=$report_dir/amlprobe-$stamp.log

  rc=$(run_once json "$json" "$log")
  case "$rc" in
    124 | 137) what="TIMEOUT: amlprobe did not finish within ${hard_limit} s and was stopped; no report" ;;
    2) what="ERROR: amlprobe rejected its input: $(grep -m1 'amlprobe: error' "$log" 2>/dev/null || echo "see $log")" ;;
    *) if [ -s "$json" ]; then what=$(describe_report "$json"); what=${what:-"exit code $rc"}; else what="ERROR: exit code $rc and no report; see $log"; fi ;;
  esac
  local reports=""
  if [ -s "$json" ]; then
    cp -f "$json" "$report_dir/amlprobe-latest.json" 2>/dev/null
    reports=" report: $json"
    # HTML only when this amlprobe knows the format (its --help lists it) and the JSON run finished.
    # (A format word, not "/report.html".)
    if timeout 10 "${cmd[@]}" --help 2>/dev/null | grep -Eq '(^|[ ,])html([:,) ]|$)'; then
      local hrc
      hrc=$(run_once html "$html" "$log")
      if [ -s "$html" ]; then reports="$reports $html"; else reports="$reports (html: exit code $hrc)"; fi
    fi
  fi
  summary "amlprobe: $what;$reports log: $log"
}

main "$@"
# Always 0: see the top of this file.
exit 0
