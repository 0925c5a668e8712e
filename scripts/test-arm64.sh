#!/usr/bin/env bash
# Arm64 tests under emulation: publishes the kernel tests for linux-arm64 (self-contained, through the small in-process
# driver tests/KernelCompiler.TestDriver) and runs the Arm64-relevant classes under qemu-aarch64-static. Ends with
# "N passed, N failed, N skipped". Emulation proves correctness, not speed.
#
# Needs (installed here when run as root with apt-get; idempotent and quiet): Debian's qemu-user-static,
# libc6-arm64-cross, libstdc++6-arm64-cross, and libssl3 for arm64 (the runtime's SHA-256, which GenerateSource uses
# for ModelSha256). libssl3:arm64 is only downloaded and unpacked into artifacts/arm64/sysroot, never installed: an
# installed arm64 libc would be found through the host's ld.so.cache beside the cross libc and the process hangs.
# Downloading it needs the arm64 package lists, so the script adds the arm64 architecture to dpkg once.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/artifacts/arm64"
sysroot="$out/sysroot"
sslDir="$sysroot/usr/lib/aarch64-linux-gnu"
say() { echo "test-arm64: $*"; }
fail() { echo "test-arm64: $*" >&2; echo "0 passed, 1 failed"; exit 1; }
elapsed() { echo "$(( $(date +%s) - $1 )) s"; }

if ! command -v dotnet >/dev/null 2>&1; then
  fail "the .NET 10 SDK is required (dotnet not found on PATH)"
fi

# --- install ---------------------------------------------------------------------------------------------------
start=$(date +%s)
cross_present() {
  command -v qemu-aarch64-static >/dev/null 2>&1 && [ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] &&
    [ -e /usr/aarch64-linux-gnu/lib/libstdc++.so.6 ]
}
can_apt() { command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; }
if ! cross_present; then
  can_apt || fail "qemu-user-static, libc6-arm64-cross and libstdc++6-arm64-cross are missing; install them (apt-get as root)"
  export DEBIAN_FRONTEND=noninteractive
  packages="qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross"
  # Package lists are fetched only when the first attempt cannot find the packages (fresh container).
  if ! apt-get install -y -qq --no-install-recommends $packages </dev/null >/dev/null 2>&1; then
    apt-get update -qq </dev/null >/dev/null 2>&1 || true
    apt-get install -y -qq --no-install-recommends $packages </dev/null >/dev/null 2>&1 || true
  fi
  cross_present || fail "could not install $packages with apt-get"
fi
if [ ! -e "$sslDir/libssl.so.3" ] || [ ! -e "$sslDir/libcrypto.so.3" ]; then
  can_apt || fail "libssl3 for arm64 is missing in $sslDir; run this script once as root (apt-get download libssl3:arm64)"
  export DEBIAN_FRONTEND=noninteractive
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64 || fail "dpkg --add-architecture arm64 failed"
    apt-get update -qq </dev/null >/dev/null 2>&1 || true
  fi
  download=$(mktemp -d)
  chmod 777 "$download"   # apt downloads as the _apt user
  if ! (cd "$download" && apt-get download -qq libssl3:arm64 </dev/null >/dev/null 2>&1); then
    apt-get update -qq </dev/null >/dev/null 2>&1 || true
    (cd "$download" && apt-get download -qq libssl3:arm64 </dev/null >/dev/null 2>&1) || true
  fi
  deb=$(ls "$download"/libssl3_*_arm64.deb 2>/dev/null | head -n 1)
  [ -n "$deb" ] || { rm -rf "$download"; fail "apt-get download libssl3:arm64 failed"; }
  mkdir -p "$sysroot"
  dpkg-deb -x "$deb" "$sysroot" || { rm -rf "$download"; fail "could not unpack $deb"; }
  rm -rf "$download"
  [ -e "$sslDir/libssl.so.3" ] || fail "libssl3:arm64 did not hold $sslDir/libssl.so.3"
fi
say "install $(elapsed "$start")"

# --- publish ---------------------------------------------------------------------------------------------------
start=$(date +%s)
rm -rf "$out/driver"
if ! dotnet publish tests/KernelCompiler.TestDriver -c Release -r linux-arm64 --self-contained -o "$out/driver" \
    --nologo -v quiet >"$out/publish.log" 2>&1; then
  tail -n 30 "$out/publish.log" >&2
  fail "dotnet publish -r linux-arm64 failed (log: $out/publish.log)"
fi
say "publish $(elapsed "$start")"

# --- run -------------------------------------------------------------------------------------------------------
# Arm64-relevant: every engine against the reference on every path this CPU has (engine matrix, forced paths, both
# layouts, real rows), the emitted and generated (C# writer, compiled in memory) kernels, the reference, the runtime's
# row loops, the kernel entry points, the fused network kernel (every width forced, AdvSimd on Arm64) and its folded
# thresholds, and the shipped generated kernels of kernels/ (random rows, real rows of
# the large data sets where present, the sample rows of samples/). Namespaces rather than single classes where a new
# path's tests will land, so they slot in without editing this list.
classes=(
  KernelCompiler.Tests.Engines.
  KernelCompiler.Tests.Emit.
  KernelCompiler.Tests.Reference.
  KernelCompiler.Tests.Runtime.
  KernelCompiler.Tests.Hardening.KernelEntryPointTests
  KernelCompiler.Tests.Networks.FusedNetwork
  KernelCompiler.Tests.Networks.ThresholdFoldingTests
  KernelCompiler.Generators.Tests.KernelsProjectTests
  KernelCompiler.Generators.Tests.SampleRowsTests
)
args=()
for c in "${classes[@]}"; do args+=(--class "$c"); done
# Arguments replace that list, e.g. `bash scripts/test-arm64.sh --class KernelCompiler.Tests.Engines.`.
[ $# -eq 0 ] || args=("$@")
# The large real data sets are not shipped (KERNELCOMPILER_DATA names their folder; the project's machines keep them
# in a shared/data folder beside the checkout): without them their cases count as skipped, and samples/ still gives
# real rows.
data="${KERNELCOMPILER_DATA:-$root/../shared/data}"
if [ ! -d "$data/digits" ]; then
  say "the large data sets were not found (set KERNELCOMPILER_DATA): their real-row cases are skipped"
  args+=(--skip '"data-' --skip TrainedKernelEqualsTheReferenceOnRealRows)
fi

start=$(date +%s)
# W^X off: the runtime writes code through a second, writable mapping of the executable pages, which qemu-user does not
# see, so it keeps running its stale translation of the old bytes (random NullReference and AccessViolation failures,
# in the reference kernel too). Real Arm64 hardware has no such cache; the JIT's code is the same either way.
export DOTNET_EnableWriteXorExecute=0
LD_LIBRARY_PATH="$sslDir" qemu-aarch64-static -L /usr/aarch64-linux-gnu "$out/driver/KernelCompiler.TestDriver" "${args[@]}" \
  2>&1 | tee "$out/run.log"
status=${PIPESTATUS[0]}
say "run $(elapsed "$start")"
# The driver's own closing line, repeated last; a driver that died before it counts as one failure.
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out/run.log" | tail -n 1)
if [ -z "$summary" ]; then
  say "the emulated test process exited with $status before its summary (log: $out/run.log)"
  summary="0 passed, 1 failed"
  [ "$status" -ne 0 ] || status=1
fi
echo "$summary"
exit $status
