#!/usr/bin/env bash
# Collects a sweep's results: OUT/summary.json (one entry per grid line: task, status, args and the
# task's own summary) and OUT/summary.tsv (task, status, exploitability, args). A task without a
# status file is reported as "missing". Exits 1 when a task failed or is missing.
#   bash jobs/slurm/sweep_collect.sh GRID OUT
set -uo pipefail
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" || $# -ne 2 ]]; then
  sed -n '2,6p' "$0"
  [[ $# -eq 2 ]] && exit 0 || exit 2
fi
grid="$1"
out="$2"

json_string() {  # a shell string as a JSON string literal
  local s="${1//\\/\\\\}"
  s="${s//\"/\\\"}"
  s="${s//$'\t'/\\t}"
  printf '"%s"' "$s"
}

n="$(grep -cvE '^[[:space:]]*(#|$)' "$grid")"
bad=0
json="$out/summary.json.partial"
tsv="$out/summary.tsv.partial"
printf 'task\tstatus\texploitability\targs\n' >"$tsv"
printf '[\n' >"$json"
for ((task = 0; task < n; task++)); do
  dir="$out/task-$task"
  args="$(grep -vE '^[[:space:]]*(#|$)' "$grid" | sed -n "$((task + 1))p")"
  status="missing"
  [[ -f "$dir/status" ]] && status="$(cat "$dir/status")"
  summary=""
  for f in "$dir/summary.json" "$dir/certificate.json"; do
    [[ -f "$f" ]] && summary="$f" && break
  done
  value="-"
  if [[ -n "$summary" ]]; then
    value="$(sed -n 's/^  "exploitability": \([^,]*\),\{0,1\}$/\1/p' "$summary" | head -n 1)"
    [[ -n "$value" ]] || value="$(sed -n 's/^ *"value": \([^,]*\),\{0,1\}$/\1/p' "$summary" | head -n 1)"
  fi
  [[ "$status" == "0" && -n "$summary" ]] || bad=1
  printf '%s\t%s\t%s\t%s\n' "$task" "$status" "${value:--}" "$args" >>"$tsv"
  {
    printf '  {"task": %d, "status": %s, "args": %s, "summary": ' "$task" "$([[ "$status" =~ ^[0-9]+$ ]] && echo "$status" || json_string "$status")" "$(json_string "$args")"
    if [[ -n "$summary" ]]; then cat "$summary"; else printf 'null'; fi
    printf '}%s\n' "$([[ $task -lt $((n - 1)) ]] && echo , || true)"
  } >>"$json"
done
printf ']\n' >>"$json"
mv "$tsv" "$out/summary.tsv"
mv "$json" "$out/summary.json"
cat "$out/summary.tsv"
exit "$bad"
