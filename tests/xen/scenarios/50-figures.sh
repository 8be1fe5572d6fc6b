# Figures, not pass/fail: in this one boot, a few `xl create`s of a guest
# whose vif runs Debian's shell vif-bridge (kept as vif-bridge.orig by make
# install) and as many with this project's: the median wall time of `xl
# create` and of the hotplug call, from xl -vvv's output stamped as it
# arrives (from libxl's "forking to execute" to its next line). An emulated
# host: the ratio travels, the absolute times do not.
. /xnm/lib.sh
RUNS=${RUNS:-3}

ip link add xenbr1 type bridge 2>/dev/null
ip link set xenbr1 up
stamp() { while IFS= read -r l; do echo "$EPOCHREALTIME $l"; done; }
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# one SCRIPT N: creates and destroys f-N; prints "create-ms hotplug-ms"
one() {
	local t0 t1 cfg
	cfg=$(guest_cfg "f$2" 10.9.2.$((10 + $2))/24 10.9.2.1 "mac=00:16:3e:00:02:$((10 + $2)), ip=10.9.2.$((10 + $2)), bridge=xenbr1, script=$1")
	t0=$EPOCHREALTIME
	xl -vvv create "$cfg" 2>&1 | stamp >"$T/f$2.log"
	t1=$EPOCHREALTIME
	xl destroy "f$2" >/dev/null 2>&1
	# libxl logs "forking to execute" as it starts the script, and its
	# next line once the script has exited
	awk -v t0="$t0" -v t1="$t1" '
		/forking to execute: .* online/ && !on {on = 1; s = $1; next}
		on == 1 {e = $1; on = 2}
		END {printf "%.1f %.1f\n", (t1 - t0) * 1000, (e - s) * 1000}' "$T/f$2.log"
}

for i in $(seq "$RUNS"); do
	one /etc/xen/scripts/vif-bridge.orig "$i" >>"$T/debian"
	one /etc/xen/scripts/vif-bridge "$((i + 50))" >>"$T/ours"
done
grep -A1 'forking to execute: .* online' "$T/f51.log" | sed 's/^/XNM # xl -vvv: /' | head -n 2
for w in debian ours; do
	c=$(cut -d' ' -f1 "$T/$w" | median)
	h=$(cut -d' ' -f2 "$T/$w" | median)
	say "# figure: $w vif-bridge: xl create ${c} ms, hotplug call ${h} ms (median of $RUNS; runs: $(tr '\n' ';' <"$T/$w"))"
	eval "${w}_h=$h"
done
check "every figure run created its guest" test "$(wc -l <"$T/debian")" = "$RUNS" -a "$(wc -l <"$T/ours")" = "$RUNS"
say "# figure: the hotplug call, Debian's over ours: $(awk -v a="$debian_h" -v b="$ours_h" 'BEGIN {printf "%.1fx", a / b}')"
finish
