#!/usr/bin/env bash
# RSPG's seconds per iteration, side by side with a build of an earlier commit (the baseline), on the
# same machine in one run, with the exploitability trajectories of both; then bench_rspg_flops (the
# iteration against the machine's measured sgemm rate). See jobs/bench/README.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: jobs/bench/rspg_speed.sh [options] [BUILD_DIR]

  BUILD_DIR            CMake build folder with mfg and bench_rspg_flops (default: build/)
  --baseline REV       commit to compare against (default 05f3abb, the code before the speed work)
  --baseline-build DIR an existing build of the baseline (its mfg) instead of building one
  --models "lq ..."    models (default: "lq beach_bar macro")
  --ranks N            ranks per run (default 2)
  --paths N            noise paths per iteration (default 8)
  --rounds K           alternating baseline/current runs per model (default 2)
  --out-dir DIR        results (default: BUILD_DIR/bench-results/rspg-speed-<date>-<time>)
  -h, --help           this text

The baseline is built once, from a git worktree, in BUILD_DIR/rspg-baseline (mfg only). Each model
runs RSPG for a fixed number of iterations (lq and beach_bar 200, macro 6; exploitability every 20,
20 and 2 iterations, outside the training clock) with the seed 0, alternately with the baseline and
the current build; seconds per iteration = training seconds / iterations, best of the rounds.
USAGE
}

build_dir=build
baseline=05f3abb
baseline_build=""
models="lq beach_bar macro"
ranks=2
paths=8
rounds=2
out_dir=""
while (($#)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --baseline) baseline="$2"; shift 2 ;;
    --baseline-build) baseline_build="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    --ranks) ranks="$2"; shift 2 ;;
    --paths) paths="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --out-dir) out_dir="$2"; shift 2 ;;
    -*) echo "rspg_speed.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) build_dir="$1"; shift ;;
  esac
done
build_dir="$(cd "$build_dir" && pwd)"
mfg="$build_dir/mfg"
[[ -x "$mfg" ]] || { echo "rspg_speed.sh: $mfg not found; build first" >&2; exit 2; }
repo="$(cd "$(dirname "$0")/../.." && pwd)"
out_dir="${out_dir:-$build_dir/bench-results/rspg-speed-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out_dir"
mpirun=(${MPIRUN:-mpirun} ${MPIRUN_FLAGS:---allow-run-as-root --oversubscribe})
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

# The baseline build (kept between runs of this script).
base_src="$build_dir/rspg-baseline/src" base_build="$build_dir/rspg-baseline/build"
rev="$(git -C "$repo" rev-parse --short "$baseline")"
if [[ -n "$baseline_build" ]]; then
  base_build="$baseline_build"
  [[ -x "$base_build/mfg" ]] || { echo "rspg_speed.sh: $base_build/mfg not found" >&2; exit 2; }
elif [[ ! -x "$base_build/mfg" || "$(cat "$build_dir/rspg-baseline/rev" 2>/dev/null)" != "$rev" ]]; then
  echo "building the baseline $rev in $base_build"
  rm -rf "$build_dir/rspg-baseline"
  git -C "$repo" worktree prune
  git -C "$repo" worktree add --detach "$base_src" "$rev" >/dev/null
  cmake -S "$base_src" -B "$base_build" -DCMAKE_BUILD_TYPE=Release -DMFG_BUILD_BENCH=OFF >"$out_dir/baseline-cmake.log"
  cmake --build "$base_build" --target mfg -j "$(nproc)" >"$out_dir/baseline-build.log"
  echo "$rev" >"$build_dir/rspg-baseline/rev"
fi

settings() {  # model -> "iterations eval_every"
  case "$1" in
    macro) echo "6 2" ;;
    *) echo "200 20" ;;
  esac
}

summary="$out_dir/rspg_speed.txt"
printf "%-10s %-9s %7s %12s %12s   %s\n" model build iters "s/iter" "speed-up" "exploitability at the evaluations" >"$summary"
for model in $models; do
  read -r iterations every <<<"$(settings "$model")"
  mkdir -p "$out_dir/$model"
  declare -A best=()
  for ((round = 0; round < rounds; ++round)); do
    for which in baseline current; do
      binary="$mfg"; [[ $which == baseline ]] && binary="$base_build/mfg"
      dir="$out_dir/$model/$which-$round"
      "${mpirun[@]}" -np "$ranks" "$binary" train --model "$model" --algorithm rspg --paths "$paths" \
        --iterations "$iterations" --eval-every "$every" --checkpoint-every 100000 --seed 0 --no-plots \
        --out "$dir" >"$dir.log" 2>&1 || { echo "rspg_speed.sh: $which on $model failed (see $dir.log)" >&2; exit 1; }
      seconds="$(sed -n 's/.*(\([0-9.]*\) s of training).*/\1/p' "$dir.log" | tail -1)"
      if [[ -z "${best[$which]:-}" ]] || awk -v a="$seconds" -v b="${best[$which]}" 'BEGIN { exit !(a < b) }'; then
        best[$which]="$seconds"
      fi
    done
  done
  for which in baseline current; do
    trajectory="$(awk '$1 ~ /^[0-9]+$/ && NF >= 5 { printf "%s ", $2 }' "$out_dir/$model/$which-0.log")"
    per_iter="$(awk -v s="${best[$which]}" -v n="$iterations" 'BEGIN { printf "%.4f", s / n }')"
    ratio="$(awk -v b="${best[baseline]}" -v c="${best[$which]}" 'BEGIN { printf "%.2fx", b / c }')"
    printf "%-10s %-9s %7s %12s %12s   %s\n" "$model" "$which" "$iterations" "$per_iter" "$ratio" "$trajectory" >>"$summary"
  done
  unset best
done
cat "$summary"

"${mpirun[@]}" -np "$ranks" "$build_dir/jobs/bench/bench_rspg_flops" --paths "$paths" --out "$out_dir" \
  --models "$(echo "$models" | tr ' ' ',')"
