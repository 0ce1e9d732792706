#!/usr/bin/env bash
# Speed and memory of `mfg equilibrium` on aiyagari (defaults: sigma 0.2, rho 0.6, crra 3): the
# grids the Python reference tools are quoted on (7 x 500, 7 x 2000) at 1 and 2 ranks, and one
# economy above a million states (7 x 150 000) at 2 ranks. See jobs/bench/README.md.
set -euo pipefail

usage() {
  cat <<'EOF2'
usage: jobs/bench/aiyagari_scale.sh [options] [BUILD_DIR]

  BUILD_DIR        CMake build folder holding the mfg binary (default: build/)
  --out-dir DIR    results folder (default: BUILD_DIR/bench-results/aiyagari-scale-<date>-<time>)
  --tolerance T    price tolerance (default 1e-8)
  --large N        asset points of the large economy (default 150000, i.e. 1.05 million states;
                   0 skips it)
  -h, --help       this text

Environment: MPIRUN (default mpirun), MPIRUN_FLAGS (default --allow-run-as-root).
EOF2
}

build_dir=build
out_dir=""
tolerance=1e-8
large=150000
while (($#)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --out-dir | --tolerance | --large)
      [[ $# -ge 2 ]] || { echo "aiyagari_scale.sh: $1 needs a value" >&2; exit 2; }
      case "$1" in
        --out-dir) out_dir="$2" ;;
        --tolerance) tolerance="$2" ;;
        --large) large="$2" ;;
      esac
      shift 2 ;;
    -*) echo "aiyagari_scale.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) build_dir="$1"; shift ;;
  esac
done
mfg="$build_dir/mfg"
[[ -x "$mfg" ]] || { echo "aiyagari_scale.sh: $mfg not found; build first (bash jobs/setup.sh)" >&2; exit 2; }
out_dir="${out_dir:-$build_dir/bench-results/aiyagari-scale-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out_dir"

json_number() { sed -n "s/^ *\"$2\": \([-0-9.eE+]*\),\{0,1\}$/\1/p" "$1"; }

runs=("1 500" "2 500" "1 2000" "2 2000")
((large > 0)) && runs+=("2 $large")
printf '| ranks | states | r* (%%) | prices tried | solve [s] | process [s] | CPU, busiest rank [s] | peak memory, busiest rank | bytes per state (all ranks) | µs per state and price |\n'
printf '|---|---|---|---|---|---|---|---|---|---|\n'
for run in "${runs[@]}"; do
  read -r np points <<<"$run"
  dir="$out_dir/np${np}_a${points}"
  start=$(date +%s.%N)
  ${MPIRUN:-mpirun} ${MPIRUN_FLAGS:---allow-run-as-root} -np "$np" "$mfg" equilibrium --model aiyagari \
    --set "asset_points=$points" --tolerance "$tolerance" --no-plots --out "$dir" >"$dir.log" 2>&1 ||
    { echo "aiyagari_scale.sh: run failed, see $dir.log" >&2; exit 1; }
  end=$(date +%s.%N)
  s="$dir/summary.json"
  awk -v np="$np" -v n="$(json_number "$s" states)" -v r="$(json_number "$s" interest_rate)" \
    -v it="$(json_number "$s" iterations)" -v w="$(json_number "$s" wall_seconds)" -v p0="$start" -v p1="$end" \
    -v peak="$(json_number "$s" peak_rss_bytes_max_rank)" -v bps="$(json_number "$s" bytes_per_state_all_ranks)" \
    -v cpu="$(json_number "$s" cpu_seconds_max_rank)" \
    'BEGIN { printf "| %d | %d | %.4f | %d | %.2f | %.2f | %.2f | %.0f MiB | %.0f | %.2f |\n",
             np, n, r * 100, it, w, p1 - p0, cpu, peak / 1048576, bps, w / (n * it) * 1e6 }'
done | tee "$out_dir/table.md"
echo "aiyagari_scale.sh: results in $out_dir"
