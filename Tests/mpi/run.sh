#!/usr/bin/env bash
# The MPI engine's tests (`make test-mpi`, docs/mpi.md): tnsim built with TNSIM_MPI=1, run under
# mpirun at 1, 2 and 4 ranks, against the same binary run as one process. Every mpirun is bounded
# by `timeout`, so a hang fails the test instead of the job.
#   Tests/mpi/run.sh BIN
set -uo pipefail
BIN=${1:?usage: Tests/mpi/run.sh BIN}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(mktemp -d "${TMPDIR:-/tmp}/tnsim-mpi.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
# Ranks may outnumber the processors (--oversubscribe); CI runs as root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
MPIRUN="timeout 300 mpirun --oversubscribe"
failures=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; failures=$((failures + 1)); }
# A network file without its wall times, which differ between any two runs.
same_network() { cmp -s <("$HERE/strip-times.sh" "$1") <("$HERE/strip-times.sh" "$2"); }

# --- TernGrad: one worker per rank trains the in-process run's network, bit for bit.
TRAIN="train --topology mnist-5core --train-limit 384 --validation 0 --threads 1"
for N in 2 4; do
  "$BIN" $TRAIN --epochs 2 --plugin terngrad:workers=$N --output "$OUT/in$N.json" >/dev/null 2>&1 || fail "train in process, $N workers"
  if $MPIRUN -np $N "$BIN" $TRAIN --epochs 2 --plugin terngrad:workers=$N --output "$OUT/mpi$N.json" >"$OUT/mpi$N.txt" 2>&1 \
    && same_network "$OUT/in$N.json" "$OUT/mpi$N.json"; then
    pass "train at $N ranks = in process with $N workers"
  else
    fail "train at $N ranks = in process with $N workers"; cat "$OUT/mpi$N.txt"
  fi
  grep -q "terngrad: .* x $N workers: 35048 bytes sent per worker per iteration" "$OUT/mpi$N.txt" \
    && [ "$(grep -c '^mpi: rank' "$OUT/mpi$N.txt")" = "$N" ] && pass "train at $N ranks reports the bytes of every rank" \
    || fail "train at $N ranks reports the bytes of every rank"
done
grep '^terngrad:\|^mpi:' "$OUT/mpi4.txt"

# --- Gradient dropping on the same communicator: 2 ranks train the in-process 2-worker network.
"$BIN" $TRAIN --epochs 2 --plugin gdrop:workers=2,keep=0.01 --output "$OUT/gd-in2.json" >/dev/null 2>&1 || fail "gdrop in process, 2 workers"
if $MPIRUN -np 2 "$BIN" $TRAIN --epochs 2 --plugin gdrop:workers=2,keep=0.01 --output "$OUT/gd-mpi2.json" >"$OUT/gd-mpi2.txt" 2>&1 \
  && same_network "$OUT/gd-in2.json" "$OUT/gd-mpi2.json"; then
  pass "gdrop at 2 ranks = in process with 2 workers"
else
  fail "gdrop at 2 ranks = in process with 2 workers"; cat "$OUT/gd-mpi2.txt"
fi

# --- Rank 0 dies after epoch 1, once it wrote its checkpoint: mpirun ends non-zero; --resume at
# the same rank count then finishes the in-process run's network.
if TNSIM_MPI_FAULT=die:0:1 $MPIRUN -np 2 "$BIN" $TRAIN --epochs 2 --plugin terngrad:workers=2 --output "$OUT/r2.json" >"$OUT/die.txt" 2>&1; then
  fail "a rank that dies ends the training job non-zero"
else
  pass "a rank that dies ends the training job non-zero (exit $?)"
fi
if $MPIRUN -np 2 "$BIN" $TRAIN --epochs 2 --plugin terngrad:workers=2 --output "$OUT/r2.json" --resume >"$OUT/resume.txt" 2>&1 \
  && grep -q "resumed after epoch 1" "$OUT/resume.txt" && same_network "$OUT/in2.json" "$OUT/r2.json"; then
  pass "--resume across 2 ranks after the death = the uninterrupted in-process run"
else
  fail "--resume across 2 ranks after the death = the uninterrupted in-process run"; cat "$OUT/die.txt" "$OUT/resume.txt"
fi
$MPIRUN -np 2 "$BIN" $TRAIN --epochs 2 --plugin terngrad:workers=4 --output "$OUT/x.json" >"$OUT/w.txt" 2>&1 \
  && fail "workers=4 at 2 ranks is refused" \
  || { grep -q "terngrad:workers=4 needs 4 ranks" "$OUT/w.txt" && pass "workers=4 at 2 ranks is refused" || { fail "workers=4 at 2 ranks is refused"; cat "$OUT/w.txt"; }; }

# --- A board of 4 chips across ranks: every spike (--record all), with input spikes, is the
# one-process run's, for 1, 2 and 4 ranks and 1 or 2 threads per rank.
"$BIN" generate random --chip "$HERE/quad.json" --output "$OUT/quad.json" --seed 3 --stochastic --rate 50 --reach 7 >/dev/null
awk 'BEGIN { print "tick,core,axon"; s = 7; for (t = 0; t < 60; t += 3) for (k = 0; k < 12; k++) { s = (s * 1103515245 + 12345) % 2147483648; printf "%d,%d,%d\n", t, s % 64, (s / 64) % 256 } }' > "$OUT/input.csv"
RUN="run $OUT/quad.json --input $OUT/input.csv --ticks 120 --record all"
"$BIN" $RUN --threads 1 --output "$OUT/one.csv" >/dev/null 2>&1 || fail "board in one process"
for R in 1 2 4; do
  for T in 1 2; do
    if $MPIRUN -np $R "$BIN" $RUN --threads $T --output "$OUT/r$R-t$T.csv" >"$OUT/r$R.txt" 2>&1 && cmp -s "$OUT/one.csv" "$OUT/r$R-t$T.csv"; then
      pass "board at $R ranks x $T threads = one process ($(($(wc -l < "$OUT/one.csv") - 1)) spikes)"
    else
      fail "board at $R ranks x $T threads = one process"; cat "$OUT/r$R.txt"
    fi
  done
done
grep '^exchange\|^rank' "$OUT/r4.txt"
# IBM RAWO6 (.sfro) names each spike's destination from the model: the same bytes across ranks.
SFRO="run $OUT/quad.json --input $OUT/input.csv --ticks 20 --record all"
"$BIN" $SFRO --output "$OUT/one.sfro" >/dev/null 2>&1 || fail "board in one process to .sfro"
if $MPIRUN -np 2 "$BIN" $SFRO --output "$OUT/r2.sfro" >"$OUT/sfro.txt" 2>&1 && cmp -s "$OUT/one.sfro" "$OUT/r2.sfro"; then
  pass "board at 2 ranks writes the one-process .sfro bytes"
else
  fail "board at 2 ranks writes the one-process .sfro bytes"; cat "$OUT/sfro.txt"
fi

# --- Faults: a rank count the board cannot be split into, options that differ between ranks, a
# rank that dies, a rank that hangs (bounded by TNSIM_MPI_TIMEOUT): an error, never a hang.
expect_failure() {  # NAME TEXT COMMAND...
  local name=$1 text=$2; shift 2
  if "$@" >"$OUT/fault.txt" 2>&1; then fail "$name (exit 0)"
  elif grep -q -- "$text" "$OUT/fault.txt"; then pass "$name"
  else fail "$name (no '$text' in the output)"; cat "$OUT/fault.txt"; fi
}
expect_failure "3 ranks on a 4-chip board are refused" "3 ranks cannot each take the same whole number of chips" \
  $MPIRUN -np 3 "$BIN" $RUN --threads 1
expect_failure "ranks with different options are refused" "rank 1 was started with other options than rank 0" \
  $MPIRUN -np 1 "$BIN" $RUN --threads 1 : -np 1 "$BIN" $RUN --threads 2
expect_failure "a rank that dies in a board run ends the job" "mpirun ended the job: another rank died" \
  env TNSIM_MPI_FAULT=die:1:40 $MPIRUN -np 2 "$BIN" $RUN --threads 1
expect_failure "a rank that hangs ends the job after TNSIM_MPI_TIMEOUT" "waited 5 s for the other ranks" \
  env TNSIM_MPI_FAULT=hang:1:40 TNSIM_MPI_TIMEOUT=5 $MPIRUN -np 2 "$BIN" $RUN --threads 1
printf 'tick,core,axon\n0,70,3\n' > "$OUT/bad.csv"
expect_failure "a spike to a core no rank has is refused by rank 0 with its file and line" \
  "tnsim run (rank 0 of 2): $OUT/bad.csv:2: spike to core 70 axon 3: core 70 is not configured" \
  $MPIRUN -np 2 "$BIN" run "$OUT/quad.json" --input "$OUT/bad.csv" --ticks 5 --threads 1
expect_failure "other commands are refused under mpirun" "does not run across ranks" \
  $MPIRUN -np 2 "$BIN" info "$OUT/quad.json"

echo "$failures failure(s)"
[ "$failures" = 0 ]
