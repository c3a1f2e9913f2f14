#!/usr/bin/env bash
# Runs the Stepwise benchmarks (JMH) and, where Debian's python3-torch is installed, the same
# shapes in PyTorch, then prints one side-by-side table (io.stepwise.bench.BenchTable).
# Everything runs on one thread, one side after the other, so the ratios come from one run.
#
#   benchmarks/run.sh [--quick] [--repeat N] [extra JMH options...]
#
# --quick:    a smoke run (one short iteration each); its figures are rough.
# --repeat N: run both sides N times, one after the other, and count each benchmark's fastest
#             result; on a machine shared with other work this gives both sides a quiet moment.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

quick=false
repeat=1
jmh_extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=true ;;
    --repeat) repeat="${2:?--repeat needs a number}"; shift ;;
    -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) jmh_extra+=("$1") ;;
  esac
  shift
done

jar=benchmarks/target/benchmarks.jar
newest_source="$(find lstm-core/src/main benchmarks/src/main benchmarks/pom.xml lstm-core/pom.xml pom.xml -newer "$jar" -print -quit 2>/dev/null || true)"
if [[ ! -f "$jar" || -n "$newest_source" ]]; then
  echo "Building the benchmarks (once)..." >&2
  # Offline first (quick, and it works wherever the benchmarks were built before); after only
  # `./stepwise` or `./mvnw verify -pl cli -am`, JMH and its plugins are not in ~/.m2 yet, so fetch them.
  build_log="$(mktemp)"
  if ! ./mvnw -B -q -o -pl benchmarks -am package -DskipTests >"$build_log" 2>&1; then
    echo "The offline build lacks artifacts (JMH is fetched on first use); building online..." >&2
    ./mvnw -B -q -pl benchmarks -am package -DskipTests \
      || { cat "$build_log" >&2; rm -f "$build_log"; echo "Building the benchmarks failed (offline log above, online errors before it)." >&2; exit 1; }
  fi
  rm -f "$build_log"
fi

out="$root/target/bench"
mkdir -p "$out" "$root/target/javacpp-cache"
rm -f "$out"/jmh-*.json "$out"/torch-*.jsonl "$out"/jmh-*.log

# One thread for OpenBLAS too: the comparison is core against core.
export OMP_NUM_THREADS=1

if $quick; then
  # two warm-up seconds: the Vector API is slow until C2 has compiled the kernels
  timing=(-f 1 -wi 2 -w 1s -i 1 -r 1s)
  torch_args=(--quick)
else
  timing=(-f 1)  # warm-up and iterations as each benchmark class declares them
  torch_args=()
fi

has_torch=false
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  has_torch=true
else
  echo "PyTorch not found (/usr/bin/python3 -c 'import torch' failed): Stepwise column only." >&2
fi

# Debian's python3-torch calls whatever libblas.so.3 resolves to. If that is the reference BLAS
# (~20x slower on large products) while OpenBLAS is installed, point PyTorch at OpenBLAS, so that
# the batched rows compare with an optimised BLAS on both sides. torch_bench.py reports the library
# it actually mapped, and the table marks the batched rows when it is still the reference one.
torch_env=(OPENBLAS_NUM_THREADS=1)
if $has_torch; then
  system_blas="$(/sbin/ldconfig -p 2>/dev/null | awk '$1 == "libblas.so.3" && /x86-64|aarch64|64bit/ {print $NF; exit}')"
  system_blas="$(readlink -f "${system_blas:-/usr/lib/$(uname -m)-linux-gnu/libblas.so.3}" 2>/dev/null || true)"
  openblas="$(ls /usr/lib/*/openblas-pthread/libblas.so.3 /usr/lib/*/openblas-openmp/libblas.so.3 \
    /usr/lib/*/openblas-serial/libblas.so.3 2>/dev/null | head -1 || true)"
  case "$system_blas" in
    *openblas*|*blis*|*mkl*|*atlas*) ;;
    *)
      if [[ -n "$openblas" ]]; then
        echo "libblas.so.3 is ${system_blas:-not found}; PyTorch runs on OpenBLAS ($openblas) instead." >&2
        torch_env+=("LD_LIBRARY_PATH=$(dirname "$openblas")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
      else
        echo "PyTorch runs on ${system_blas:-an unknown BLAS}, not OpenBLAS: the batched rows will be marked as not comparable" \
          "(Debian: apt-get install libopenblas0-pthread)." >&2
      fi
      ;;
  esac
fi

results=()
for ((run = 1; run <= repeat; run++)); do
  echo "run $run of $repeat: JMH (Stepwise), log in target/bench/jmh-$run.log..." >&2
  java -jar "$jar" 'io\.stepwise\.bench\.\w+Benchmark\.' "${timing[@]}" -bm avgt \
    -jvmArgs "-Xmx2g -Dorg.bytedeco.javacpp.cachedir=$root/target/javacpp-cache -Dorg.slf4j.simpleLogger.defaultLogLevel=warn" \
    -rf json -rff "$out/jmh-$run.json" "${jmh_extra[@]}" > "$out/jmh-$run.log" 2>&1 \
    || { tail -30 "$out/jmh-$run.log" >&2; echo "JMH failed; full log in $out/jmh-$run.log" >&2; exit 1; }
  results+=("$out/jmh-$run.json")
  if $has_torch; then
    echo "run $run of $repeat: PyTorch..." >&2
    env "${torch_env[@]}" /usr/bin/python3 benchmarks/torch_bench.py "${torch_args[@]}" > "$out/torch-$run.jsonl"
    results+=("$out/torch-$run.jsonl")
  fi
done

echo >&2
java -cp "$jar" io.stepwise.bench.BenchTable "${results[@]}"
