#!/usr/bin/env bash
# install-versitygw.sh builds the versitygw S3 gateway used by cci's S3
# integration tests and benchmark, caches it under the Go build cache, and
# prints the binary's path on stdout (progress goes to stderr).
#
#   VERSITYGW="$(scripts/install-versitygw.sh)" go test ./internal/extract/ -run S3
#
# It needs only Go and the Go module proxy. The binary lands in
#   $(go env GOCACHE)/cci-tools/versitygw-<version>/versitygw
# and is rebuilt only when that file is missing or was built from another
# version. Override the version with VERSITYGW_VERSION.
set -euo pipefail

version="${VERSITYGW_VERSION:-v1.8.0}"
module="github.com/versity/versitygw"

gocache="$(go env GOCACHE)"
if [[ -z "$gocache" || "$gocache" == "off" ]]; then
	echo "install-versitygw: GOCACHE is off; set GOCACHE to a writable directory" >&2
	exit 1
fi
dir="$gocache/cci-tools/versitygw-$version"
bin="$dir/versitygw"

built_version() {
	# `go version -m` prints "mod <path> <version> <sum>" for the main module.
	go version -m "$1" 2>/dev/null | awk -v m="$module" '$1 == "mod" && $2 == m { print $3; exit }'
}

if [[ -x "$bin" && "$(built_version "$bin")" == "$version" ]]; then
	echo "$bin"
	exit 0
fi

echo "install-versitygw: building $module/cmd/versitygw@$version (once; cached in $dir)" >&2
mkdir -p "$dir"
tmp="$(mktemp -d "$dir/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# Build outside any module so the project's go.mod is not consulted, and with
# GOFLAGS cleared so a caller's -mod=vendor or similar cannot interfere.
(cd "$tmp" && GOFLAGS= GOBIN="$tmp" go install "$module/cmd/versitygw@$version")
got="$(built_version "$tmp/versitygw")"
if [[ "$got" != "$version" ]]; then
	echo "install-versitygw: built binary reports version '$got', want $version" >&2
	exit 1
fi
# Rename into place so a concurrent or interrupted run never leaves a partial binary.
mv -f "$tmp/versitygw" "$bin"
echo "$bin"
