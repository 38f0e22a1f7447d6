#!/bin/sh
# Host side of the Fragtrace capture VM: builds the buddydump module and the static workload, packs an initramfs
# (busybox-static + virtio modules + module + workload + init), boots the kernel under QEMU (TCG, no KVM needed),
# and unpacks the result into a bundle folder (layout of sample-traces/), then writes meta.txt and summary.json.
#
#   scripts/capture-vm/run-capture.sh OUT_DIR [KVER] [SMP] [MEM] [BUFKB] [SCALE] [WORKLOAD]
#   defaults: KVER=6.12.95+deb12-amd64 SMP=4 MEM=512M BUFKB=24576 SCALE=1.0 WORKLOAD=parallel
#   WORKLOAD: parallel | fragment-thp | kcompactd | compact-memory | mixed-churn (see capture.c)
# Needs (Debian): qemu-system-x86 busybox-static cpio gcc linux-image-$KVER(-unsigned) linux-headers-$KVER python3.
set -eu
out=$1
kver=${2:-6.12.95+deb12-amd64}
smp=${3:-4}
mem=${4:-512M}
bufkb=${5:-24576}
scale=${6:-1.0}
workload=${7:-parallel}
case $workload in parallel|fragment-thp|kcompactd|compact-memory|mixed-churn) ;; *) echo "unknown workload $workload" >&2; exit 2 ;; esac
settle=5
clock=${CAPTURE_CLOCK:-global}   # trace_clock in the guest (environment: CAPTURE_CLOCK=local for the default of trace-cmd/perf)
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
[ ! -e "$out" ] || { echo "$out exists" >&2; exit 2; }
work=$(mktemp -d /tmp/capture-vm.XXXXXX)
trap 'rm -rf "$work"' EXIT
kdir=/usr/src/linux-headers-$kver
vmlinuz=/boot/vmlinuz-$kver
[ -r "$vmlinuz" ] || { echo "no $vmlinuz (apt-get install linux-image-$kver-unsigned)" >&2; exit 1; }

echo "== build buddydump.ko against $kdir"
cp "$repo/tools/buddydump/buddydump.c" "$repo/tools/buddydump/Makefile" "$work/"
make -s -C "$work" KDIR="$kdir" > "$work/module-build.log" 2>&1 || { cat "$work/module-build.log"; exit 1; }
cat "$work/module-build.log"
echo "== build the workload (static)"
gcc -static -O2 -Wall -o "$work/capture" "$here/capture.c"

echo "== initramfs"
r=$work/root
mkdir -p "$r/bin" "$r/sbin" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$r/lib/modules"
cp /bin/busybox "$r/bin/busybox"
for a in $("$r/bin/busybox" --list); do [ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"; done
# virtio block stack, in load order (the ones built into this kernel are skipped)
i=0
for m in virtio virtio_ring virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk; do
    f=$(find /lib/modules/"$kver"/kernel -name "$m.ko*" | head -1)
    [ -n "$f" ] || continue
    i=$((i + 1))
    case $f in
        *.xz) xz -dc "$f" > "$r/lib/modules/$i-$m.ko" ;;
        *.zst) zstd -qdc "$f" > "$r/lib/modules/$i-$m.ko" ;;
        *) cp "$f" "$r/lib/modules/$i-$m.ko" ;;
    esac
done
ls "$r/lib/modules"
cp "$work/buddydump.ko" "$r/buddydump.ko"
cp "$work/capture" "$r/capture"
cp "$here/init" "$r/init"
chmod +x "$r/init"
cp "$here/events.txt" "$r/events.txt"
(cd "$r" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initrd.gz"
ls -la "$work/initrd.gz"

echo "== disks"
truncate -s 64M "$work/out.img"
truncate -s "${CAPTURE_TRACE_IMG:-400M}" "$work/trace.img"   # environment: CAPTURE_TRACE_IMG=2G for a larger machine
truncate -s "${CAPTURE_PAGECACHE_IMG:-512M}" "$work/pagecache.img"   # environment: CAPTURE_PAGECACHE_IMG=3G to fill a larger machine with page cache

cmdline="console=ttyS0 nokaslr panic=-1 loglevel=5 capture.workload=$workload capture.bufkb=$bufkb capture.scale=$scale capture.settle=$settle"
[ "$clock" = global ] || cmdline="$cmdline capture.clock=$clock"
qemu="qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp $smp -m $mem"
echo "== boot: $qemu (start $(date -u +%H:%M:%S))"
t0=$(date +%s)
$qemu -nographic -no-reboot -monitor none -serial "file:$work/console.log" \
    -kernel "$vmlinuz" -initrd "$work/initrd.gz" -append "$cmdline" \
    -drive file="$work/out.img",format=raw,if=virtio \
    -drive file="$work/trace.img",format=raw,if=virtio \
    -drive file="$work/pagecache.img",format=raw,if=virtio,readonly=on > "$work/qemu.log" 2>&1 || true
t1=$(date +%s)
echo "== qemu exited after $((t1 - t0)) s"
tail -5 "$work/console.log"

mkdir -p "$out"
tar xf "$work/out.img" -C "$out"
cp "$work/console.log" "$out/guest/console.log"
cp "$work/module-build.log" "$out/guest/module-build.log"
size=$(cat "$out/guest/trace.size")
head -c "$size" "$work/trace.img" > "$out/trace.txt"
md5=$(md5sum < "$out/trace.txt" | cut -d' ' -f1)
[ "$md5" = "$(cat "$out/guest/trace.md5")" ] && echo "trace md5 agrees: $md5" || echo "TRACE MD5 DIFFERS: host $md5 guest $(cat "$out/guest/trace.md5")"
(cd "$out" && sha256sum -c --quiet guest/SHA256SUMS) && echo "guest SHA256SUMS ok"
echo "qemu: $qemu (no KVM); wall time $((t1 - t0))s" > "$out/guest/qemu.txt"
python3 "$here/make-meta.py" "$out"
# the booted kernel's build options the model reads (CONFIG_HZ: kcompactd's timer); fragtrace-record does the same
grep -E '^CONFIG_HZ(_[0-9]+)?=' "/boot/config-$kver" > "$out/before/kconfig.txt" 2>/dev/null || rm -f "$out/before/kconfig.txt"
gzip -9 "$out/trace.txt"
for s in before after; do gzip -9 "$out/$s/kpageflags.bin"; done
echo "== bundle in $out"
