#!/usr/bin/env bash
# Aiyagari (1994) Table II with `mfg equilibrium`: all 24 cells (sigma x rho x crra), each on an
# asset grid long enough that the top cell holds no mass, and again on twice as many points to
# show grid convergence. Writes one folder per cell and a Markdown table beside the published
# values. See jobs/bench/README.md.
set -euo pipefail

usage() {
  cat <<'EOF2'
usage: jobs/bench/aiyagari_table2.sh [options] [BUILD_DIR]

  BUILD_DIR          CMake build folder holding the mfg binary (default: build/)
  --out-dir DIR      results folder (default: BUILD_DIR/bench-results/aiyagari-table2-<date>-<time>)
  --ranks N          MPI ranks per solve (default 2)
  --points N         asset grid points (default 1000; the convergence check uses 2N)
  --tolerance T      price tolerance of each solve (default 1e-9)
  --top-mass M       largest acceptable stationary mass in the top asset cell (default 1e-9); the
                     grid's top (asset_max, from 50) doubles until the mass is below it
  -h, --help         this text

Environment: MPIRUN (default mpirun), MPIRUN_FLAGS (default --allow-run-as-root --oversubscribe).
EOF2
}

build_dir=build
out_dir=""
ranks=2
points=1000
tolerance=1e-9
top_mass=1e-9
while (($#)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --out-dir | --ranks | --points | --tolerance | --top-mass)
      [[ $# -ge 2 ]] || { echo "aiyagari_table2.sh: $1 needs a value" >&2; exit 2; }
      case "$1" in
        --out-dir) out_dir="$2" ;;
        --ranks) ranks="$2" ;;
        --points) points="$2" ;;
        --tolerance) tolerance="$2" ;;
        --top-mass) top_mass="$2" ;;
      esac
      shift 2 ;;
    -*) echo "aiyagari_table2.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) build_dir="$1"; shift ;;
  esac
done
mfg="$build_dir/mfg"
[[ -x "$mfg" ]] || { echo "aiyagari_table2.sh: $mfg not found; build first (bash jobs/setup.sh)" >&2; exit 2; }
out_dir="${out_dir:-$build_dir/bench-results/aiyagari-table2-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out_dir"
mpirun_cmd=(${MPIRUN:-mpirun} ${MPIRUN_FLAGS:---allow-run-as-root --oversubscribe} -np "$ranks")

# Reads one key of a summary.json written by mfg (flat numbers only).
json_number() { sed -n "s/^ *\"$2\": \([-0-9.eE+]*\),\{0,1\}$/\1/p" "$1"; }

solve() {  # solve DIR POINTS ASSET_MAX SIGMA RHO CRRA
  "${mpirun_cmd[@]}" "$mfg" equilibrium --model aiyagari --set "sigma=$4" --set "rho=$5" --set "crra=$6" \
    --set "asset_points=$2" --set "asset_max=$3" --tolerance "$tolerance" --out "$1" >"$1.log" 2>&1 ||
    { echo "aiyagari_table2.sh: solve failed, see $1.log" >&2; exit 1; }
}

rows="$out_dir/cells.tsv"
printf 'sigma\trho\tcrra\tasset_max\tr_pct\ts_pct\tr2_pct\ttop_mass\texploitability\tseconds\tseconds2\n' >"$rows"
start=$SECONDS
for sigma in 0.2 0.4; do
  for rho in 0 0.3 0.6 0.9; do
    for crra in 1 3 5; do
      cell="$out_dir/sigma${sigma}_rho${rho}_crra${crra}"
      asset_max=50
      while :; do
        solve "$cell" "$points" "$asset_max" "$sigma" "$rho" "$crra"
        top=$(json_number "$cell/summary.json" top_cell_mass)
        awk -v t="$top" -v m="$top_mass" 'BEGIN { exit !(t <= m) }' && break
        ((asset_max < 3200)) || { echo "aiyagari_table2.sh: top cell still holds $top at asset_max $asset_max" >&2; break; }
        asset_max=$((asset_max * 2))
      done
      solve "${cell}_x2" $((2 * points)) "$asset_max" "$sigma" "$rho" "$crra"
      r=$(json_number "$cell/summary.json" interest_rate)
      s=$(json_number "$cell/summary.json" savings_rate)
      r2=$(json_number "${cell}_x2/summary.json" interest_rate)
      e=$(json_number "$cell/summary.json" exploitability)
      t=$(json_number "$cell/summary.json" wall_seconds)
      t2=$(json_number "${cell}_x2/summary.json" wall_seconds)
      awk -v OFS='\t' -v a="$sigma" -v b="$rho" -v c="$crra" -v m="$asset_max" -v r="$r" -v s="$s" -v r2="$r2" \
        -v top="$top" -v e="$e" -v t="$t" -v t2="$t2" \
        'BEGIN { print a, b, c, m, r * 100, s * 100, r2 * 100, top, e, t, t2 }' >>"$rows"
      echo "sigma $sigma rho $rho crra $crra: r* $(awk -v r="$r" 'BEGIN{printf "%.4f", r*100}') %, asset_max $asset_max"
    done
  done
done

# Aiyagari (1994), Table II: r* (%) and s (%) by sigma, rho, crra (as printed in the paper).
published='0.2 0 1 4.1666 23.67
0.2 0 3 4.1456 23.71
0.2 0 5 4.0858 23.83
0.2 0.3 1 4.1365 23.73
0.2 0.3 3 4.0432 23.91
0.2 0.3 5 3.9054 24.19
0.2 0.6 1 4.0912 23.82
0.2 0.6 3 3.8767 24.25
0.2 0.6 5 3.6307 24.77
0.2 0.9 1 3.9305 24.14
0.2 0.9 3 3.2903 25.51
0.2 0.9 5 2.5260 27.36
0.4 0 1 4.0649 23.87
0.4 0 3 3.7816 24.44
0.4 0 5 3.4177 25.22
0.4 0.3 1 3.9554 24.09
0.4 0.3 3 3.4188 25.22
0.4 0.3 5 2.8032 26.66
0.4 0.6 1 3.7567 24.50
0.4 0.6 3 2.7010 26.96
0.4 0.6 5 1.6008 30.21
0.4 0.9 1 3.3054 25.47
0.4 0.9 3 1.2894 31.10
0.4 0.9 5 -0.3456 38.34'
table="$out_dir/table.md"
{
  echo "| sigma | rho | crra | r* mfg (%) | r* published (%) | gap (points) | bound | s mfg (%) | s published (%) | r* on 2x points (%) | moved (points) | top-cell mass | asset_max | seconds (N / 2N) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  echo "$published" | while read -r sg rh cr rp sp; do
    awk -F'\t' -v sg="$sg" -v rh="$rh" -v cr="$cr" -v rp="$rp" -v sp="$sp" '
      NR > 1 && $1 + 0 == sg + 0 && $2 + 0 == rh + 0 && $3 + 0 == cr + 0 {
        bound = (rh + 0 == 0.9) ? 0.3 : (sg + 0 == 0.2 ? 0.1 : 0.2)
        gap = $5 - rp; if (gap < 0) gap = -gap
        moved = $7 - $5; if (moved < 0) moved = -moved
        printf "| %s | %s | %s | %.4f | %.4f | %.4f | %s %s | %.2f | %.2f | %.4f | %.5f | %.1e | %s | %.2f / %.2f |\n",
          sg, rh, cr, $5, rp, gap, (gap <= bound ? "within" : "OUTSIDE"), bound, $6, sp, $7, moved, $8, $4, $10, $11
      }' "$rows"
  done
} >"$table"
cat "$table"
echo "aiyagari_table2.sh: 48 solves in $((SECONDS - start)) s at $ranks rank(s), $points and $((2 * points)) asset points; results in $out_dir"
