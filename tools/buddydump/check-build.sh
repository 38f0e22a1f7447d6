#!/bin/sh
# CI compile check of the buddydump kernel module: builds it against Debian's linux-headers-amd64 (installed here
# when apt can), in a temporary copy. No kernel headers to be had: says so and succeeds (the check is skipped).
set -u
here=$(cd "$(dirname "$0")" && pwd)
kdir=""
find_kdir() {
    for d in /lib/modules/"$(uname -r)"/build /usr/src/linux-headers-*-amd64; do
        if [ -f "$d/Makefile" ] && [ -f "$d/Module.symvers" ]; then kdir=$d; return 0; fi
    done
    return 1
}
if ! find_kdir && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq linux-headers-amd64 >/dev/null 2>&1; then
        apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq linux-headers-amd64 >/dev/null 2>&1
    fi
    find_kdir
fi
if [ -z "$kdir" ]; then
    echo "buddydump: compile check skipped (no kernel headers: linux-headers-amd64 is not installable here)"
    exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/buddydump.c" "$here/Makefile" "$work/"
if ! make -s -C "$work" KDIR="$kdir" > "$work/build.log" 2>&1 || [ ! -f "$work/buddydump.ko" ]; then
    cat "$work/build.log"
    echo "buddydump: compile check FAILED against $kdir"
    exit 1
fi
if grep -q -i "warning\|undefined" "$work/build.log"; then
    cat "$work/build.log"
    echo "buddydump: compile check FAILED (warnings or undefined symbols) against $kdir"
    exit 1
fi
echo "buddydump: compiled cleanly against $kdir"
