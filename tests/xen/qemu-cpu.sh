# The CPU QEMU emulates for the rig's Xen hosts (sourced by run.sh and
# lab.sh): QEMU's max, without AVX and AVX2, without XSAVE, and without
# PCID and INVPCID. With max (or max without AVX alone), programs in dom0
# and in the guests died now and then under the emulation in glibc's heap
# checks or abort() (xl: "malloc(): corrupted top size" in a migration, ip:
# "malloc(): unsorted double linked list corrupted", a guest's busybox
# init, bash and awk in make bench-xen), more often the more guests ran:
# none of ten make bench-xen runs (20 guests in a row, then 20 at once,
# three ways) got to its end. Without XSAVE (the state of SSE registers then
# saved and restored with FXSAVE) and without PCID, its runs of 2026-12-06
# made every create with no failure and no process dead
# (docs/PERFORMANCE.md); one more, with PCID and INVPCID back, did too, so
# XSAVE is the likely cause, PCID off only what the checks ran with.
# XNM_QEMU_CPU=max gives it all back.
XNM_QEMU_CPU=${XNM_QEMU_CPU:-max,avx=off,avx2=off,xsave=off,pcid=off,invpcid=off}
