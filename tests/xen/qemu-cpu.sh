# The CPU QEMU emulates for the rig's Xen hosts (sourced by run.sh and
# lab.sh): QEMU's max, without AVX and AVX2. With them, programs in dom0
# and in the guests died now and then under the emulation in glibc's heap
# checks or abort() (xl: "malloc(): corrupted top size" in a migration,
# ip: "malloc(): unsorted double linked list corrupted", a guest's busybox
# init), never on this machine's own CPU. The suspect is the emulation of
# the AVX2 forms glibc's string and memory functions take; without AVX
# they take the SSE2 ones. XNM_QEMU_CPU=max gives AVX back.
XNM_QEMU_CPU=${XNM_QEMU_CPU:-max,avx=off,avx2=off}
