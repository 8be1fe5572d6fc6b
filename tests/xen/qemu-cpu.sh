# The CPU QEMU emulates for the rig's Xen hosts (sourced by run.sh and
# lab.sh): QEMU's max, without AVX and AVX2. Programs in dom0 and in the
# guests die now and then under the emulation in glibc's heap checks or
# abort() (xl: "malloc(): corrupted top size" in a migration, ip:
# "malloc(): unsorted double linked list corrupted", a guest's busybox
# init), never on this machine's own CPU. The emulation of the AVX2 forms
# glibc's string and memory functions take was the suspect; without AVX
# they take the SSE2 ones. It is not the whole cause: with AVX off, 20
# creates at once (make bench-xen) still saw Debian's script abort or
# segfault six times. XNM_QEMU_CPU=max gives AVX back.
XNM_QEMU_CPU=${XNM_QEMU_CPU:-max,avx=off,avx2=off}
