#!/usr/bin/env bash
# amlprobe as an Azure ML compute instance setup script (the "creation script"): while the instance
# is being created inside the workspace's VNet, probe every documented endpoint ONCE and leave the
# report (JSON and HTML, from that one run, so they never disagree) on the instance and in the
# user's folder of the workspace file share, where the studio's Notebooks > Files shows it. See
# README.md "Azure ML compute instance: setup script" for how to attach it.
#
# Never blocks or fails instance creation: Azure ML marks the instance as failed when a creation
# script exits non-zero or outlives its timeout, and a network probe is exactly the thing that
# meets a broken network. So every step is bounded (`timeout` around amlprobe on top of amlprobe's
# own --deadline, and around the copy to the file share, which is itself on the network) and the
# script always exits 0; what went wrong is said in the summary line.
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
#   AMLPROBE_ARGS         more arguments, quoted as in a shell: --region eastus --ca-file "/my dir/ca.pem".
#                         Split with xargs' quoting rules: no glob, no variable, no command is expanded.
# The script's own arguments (the studio's "script arguments") are passed to amlprobe run too.
#   AMLPROBE_REPORT_DIR   where reports go. Default: /var/log/amlprobe as root, else ~/amlprobe-reports.
#   AMLPROBE_SHARE_DIR    where copies go for the studio. Default: amlprobe-reports/<instance> beside
#                         this script when it runs from the workspace file share (a path with
#                         cloudfiles/code/Users/ or clusters/<instance>/code/Users/); "off": none.
#   AMLPROBE_INSTALL_DIR  where the tarball is unpacked. Default: /opt as root, else ~/.local/opt.
#   AMLPROBE_*            profile variables (AMLPROBE_REGION, AMLPROBE_WORKSPACE_ID, ...) reach
#                         amlprobe as they are; CI_WORKSPACE and CI_NAME, which Azure ML sets for
#                         setup scripts, fill AMLPROBE_WORKSPACE_NAME and AMLPROBE_COMPUTE_INSTANCE.
#
# Why the script's folder is the user's file share: Azure ML runs a creation script from the folder
# of the file share it was uploaded to ("if you upload the script to Users > admin, ... its location
# and working directory are /home/azureuser/cloudfiles/code/Users/admin"; inline scripts run in
# /mnt/batch/tasks/shared/LS_root/mounts/clusters/<ciname>/code/Users), and files under
# ~/cloudfiles/code/Users are the ones the studio's Notebooks pane shows (Azure ML docs: "Create and
# manage an Azure Machine Learning compute instance", setup script section; "Run Jupyter notebooks
# in your workspace").
#
# Output: REPORT_DIR/amlprobe-<UTC time>.json and .html (one run, two --output files), .log
# (amlprobe's stderr), amlprobe-latest.json and .html; the same in the share folder; one summary
# line on stdout (the setup script log) and in syslog.
#
# Worst case duration: DEADLINE + GRACE + 5 s for amlprobe, plus 25 s for the copy to the share,
# plus unpacking; about 70 s with the defaults.

set -u
umask 022

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
deadline=${AMLPROBE_DEADLINE:-30}
grace=${AMLPROBE_GRACE:-10}
node_bin=${AMLPROBE_NODE:-node}
config=${AMLPROBE_CONFIG:-}
if [ -z "$config" ] && [ -f "$script_dir/amlprobe.yaml" ]; then config=$script_dir/amlprobe.yaml; fi
script_args=("$@")
share_dir=${AMLPROBE_SHARE_DIR:-}
if [ -z "$share_dir" ]; then
  case "$script_dir/" in
    */cloudfiles/code/Users/* | */mounts/clusters/*/code/Users/*) share_dir=$script_dir/amlprobe-reports/${CI_NAME:-$(hostname 2>/dev/null || echo instance)} ;;
  esac
fi
[ "$share_dir" = off ] && share_dir=''

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
  # The bundle needs Node.js 20.18+ (package.json engines); an older node would fail with a syntax
  # or import error that says nothing about versions.
  local version
  version=$(timeout 10 "$node_bin" --version 2>/dev/null)
  if ! [[ "$version" =~ ^v([0-9]+)\.([0-9]+)\. ]] || [ "${BASH_REMATCH[1]}" -lt 20 ] || { [ "${BASH_REMATCH[1]}" -eq 20 ] && [ "${BASH_REMATCH[2]}" -lt 18 ]; }; then
    summary "amlprobe: not run: '$node_bin' is Node.js ${version:-of unknown version}; amlprobe needs 20.18 or later (install the current LTS, or set AMLPROBE_NODE)"
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

# Sets the array `extra` from AMLPROBE_ARGS with xargs' quoting rules ('...', "...", backslash):
# words as a shell would split them, but no glob, variable or command is ever expanded.
parse_extra_args() {
  extra=()
  [ -n "${AMLPROBE_ARGS:-}" ] || return 0
  # GNU xargs exits 1 on an unmatched quote; then nothing is run rather than half the words.
  printf '%s' "$AMLPROBE_ARGS" | xargs -r printf '%s\0' >/dev/null 2>&1 || return 1
  mapfile -d '' -t extra < <(printf '%s' "$AMLPROBE_ARGS" | xargs -r printf '%s\0')
}

# The one bounded amlprobe run, writing every report at once; echoes amlprobe's exit code (124/137: stopped).
run_once() {
  local log=$1
  shift
  local -a args=(run --deadline "${deadline}s")
  local file
  for file in "$@"; do args+=(--output "$file"); done
  args+=(--no-color)
  [ -n "$config" ] && args+=(--config "$config")
  timeout --kill-after=5 "$hard_limit" "${cmd[@]}" "${args[@]}" "${extra[@]}" "${script_args[@]}" </dev/null >>"$log" 2>&1
  echo $?
}

# Copies the reports to the share folder the studio shows; bounded, because the share is on the
# network the probe may just have found broken. Echoes " share: DIR" or why not.
copy_to_share() {
  [ -n "$share_dir" ] || return 0
  local file
  if ! timeout 10 mkdir -p "$share_dir" 2>/dev/null; then
    echo " (share: cannot create $share_dir)"
    return 0
  fi
  for file in "$@"; do
    [ -s "$file" ] || continue
    if ! timeout 15 cp -f "$file" "$share_dir/" 2>/dev/null; then
      echo " (share: cannot copy to $share_dir)"
      return 0
    fi
  done
  echo " share: $share_dir"
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
  local cmd=() extra=()
  if ! parse_extra_args; then
    summary "amlprobe: not run: AMLPROBE_ARGS has an unmatched quote: $AMLPROBE_ARGS"
    return 0
  fi
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

  # One probe, two reports (each --output takes the format of its extension): the page a person
  # opens and the JSON a script reads describe the same run.
  rc=$(run_once "$log" "$json" "$html")
  case "$rc" in
    124 | 137) what="TIMEOUT: amlprobe did not finish within ${hard_limit} s and was stopped; no report" ;;
    2) what="ERROR: amlprobe rejected its input: $(grep -m1 'amlprobe: error' "$log" 2>/dev/null || echo "see $log")" ;;
    *) if [ -s "$json" ]; then what=$(describe_report "$json"); what=${what:-"exit code $rc"}; else what="ERROR: exit code $rc and no report; see $log"; fi ;;
  esac
  local reports=""
  if [ -s "$json" ]; then
    cp -f "$json" "$report_dir/amlprobe-latest.json" 2>/dev/null
    reports=" report: $json"
  fi
  if [ -s "$html" ]; then
    cp -f "$html" "$report_dir/amlprobe-latest.html" 2>/dev/null
    reports="$reports $html"
  fi
  reports="$reports$(copy_to_share "$json" "$html" "$log" "$report_dir/amlprobe-latest.json" "$report_dir/amlprobe-latest.html")"
  summary "amlprobe: $what;$reports log: $log"
}

main "$@"
# Always 0: see the top of this file.
exit 0
