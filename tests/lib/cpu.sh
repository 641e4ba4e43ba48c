# Sourced by tests/bench.sh and tests/tasks-bench.sh: where the CPU goes during a load run. The caller sets $work
# (the throwaway cluster's pgdata is in $work/pgdata) and $service_pid (empty when no service runs).
# Where the CPU goes during a load run, in clock ticks: the whole machine (/proc/stat), PostgreSQL (the postmaster, its
# live children, and the children it has reaped), the service, and this shell's reaped children (wrk or pgbench).
# Whatever the machine spent beyond these went to other processes: a busy neighbour makes every figure lower.
proc_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# Sets cpu_snapshot (not run in $(…): `times` must be the main shell's, whose children wrk and pgbench are).
take_cpu_snapshot() {
  local machine postgres=0 service=0 child pid pm
  machine=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)
  pm=$(head -n 1 "$work/pgdata/postmaster.pid")
  postgres=$(proc_ticks "$pm")
  for pid in $(pgrep -P "$pm"); do postgres=$(( postgres + $(proc_ticks "$pid") )); done
  [[ -n $service_pid ]] && service=$(proc_ticks "$service_pid")
  times >"$work/times.txt"
  child=$(awk -v hz="$(getconf CLK_TCK)" 'NR == 2 {
    split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.0f", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * hz }' "$work/times.txt")
  cpu_snapshot="$(date +%s.%N) $machine $postgres $service $child"
}
# cpu_report BEFORE AFTER OPERATIONS CLIENT: CPU time per operation and the machine's load during the run.
cpu_report() {
  awk -v hz="$(getconf CLK_TCK)" -v cores="$(nproc)" -v ops="$3" -v client="$4" -v a="$1" -v b="$2" 'BEGIN {
    split(a, x, " "); split(b, y, " ")
    wall = y[1] - x[1]; machine = y[2] - x[2]; pg = y[3] - x[3]; svc = y[4] - x[4]; cl = y[5] - x[5]
    other = machine - pg - svc - cl; if (other < 0) other = 0
    us = 1e6 / hz / ops
    printf "CPU per op: %s%.0f µs PostgreSQL, %.0f µs %s; machine %.0f%% busy, other processes %.0f%%", \
      (svc > 0 ? sprintf("%.0f µs service, ", svc * us) : ""), pg * us, cl * us, client, \
      100 * machine / (wall * hz * cores), 100 * other / (wall * hz * cores) }'
}
