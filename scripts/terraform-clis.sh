#!/usr/bin/env bash
# Builds the Terraform and OpenTofu CLIs that CI tests the provider on, from the
# Go module proxy (nothing here can download a release binary), into a cache
# folder, once per machine; then prints the absolute path of each CLI asked for.
#
#   scripts/terraform-clis.sh [--no-build] CLI...
#   scripts/terraform-clis.sh --list
#
# CLI is one of the names below, or `all`. Standard output gets one absolute
# path per CLI, in the order asked, and nothing else (a Makefile can capture
# it); progress goes to standard error. A CLI already in the cache that runs
# and reports its version is reused; otherwise it is built (2 cores: about 4
# minutes for either terraform, 5 for tofu), one build at a time, and an
# invocation that finds another one building waits for it. --no-build prints
# the paths only if every CLI is already built, and fails otherwise.
#
#   terraform-1.5.7    go install github.com/hashicorp/terraform@v1.5.7 (the last
#                      MPL-2.0 release).
#   terraform-1.14.3   `go install` refuses it: its go.mod has replace directives.
#                      Built in a writable copy of the module, minus what its zip
#                      lacks and the proxy does not serve: since 1.12 go.mod
#                      requires and replaces ten nested modules (nine remote-state
#                      backends and internal/legacy). Their require and replace
#                      lines, the nine backends in internal/backend/init/init.go and
#                      the one test file that imports internal/legacy go. The CLI
#                      keeps every command and the local backend (and http, inmem,
#                      remote, cloud); a configuration whose backend is azurerm,
#                      consul, cos, gcs, kubernetes, oci, oss, pg or s3 fails init.
#   tofu-1.10.6        `go install` refuses it too (replace directive);
#                      `go build ./cmd/tofu` in a writable copy of the module.
#
# The cache is $CLI_CACHE, by default ncloudimage-clis/ in GOBIN (or the first
# GOPATH entry's bin/). Remove a file from it to have it built again.
set -euo pipefail

known_clis=(terraform-1.5.7 terraform-1.14.3 tofu-1.10.6)

# The nested modules of terraform 1.14.3 that its module zip does not hold.
tf114_backends=(azure consul cos gcs kubernetes oci oss pg s3)
tf114_legacy=github.com/hashicorp/terraform/internal/legacy
tf114_backend_prefix=github.com/hashicorp/terraform/internal/backend/remote-state

log() {
	printf 'terraform-clis: %s\n' "$*" >&2
}

die() {
	log "error: $*"
	exit 1
}

usage() {
	sed -n '2,/^set -euo pipefail$/{/^#/{s/^# \{0,1\}//;p}}' "${BASH_SOURCE[0]}" >&2
}

# The first line that `$1 version` prints, e.g. "Terraform v1.14.3" or
# "OpenTofu v1.10.6", or nothing if it does not run. No CLI configuration (a
# broken or missing TF_CLI_CONFIG_FILE would only add warnings), no check-in.
cli_version_line() {
	local out
	out=$(CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null TOFU_CLI_CONFIG_FILE=/dev/null \
		"$1" version 2>/dev/null) || return 0
	printf '%s\n' "${out%%$'\n'*}"
}

# The version line that the CLI named $1 must print.
want_version_line() {
	case $1 in
	terraform-*) printf 'Terraform v%s\n' "${1#terraform-}" ;;
	tofu-*) printf 'OpenTofu v%s\n' "${1#tofu-}" ;;
	*) return 1 ;;
	esac
}

# True if the file $1 runs and reports the version of the CLI named $2.
cli_ok() {
	[[ -x $1 ]] && [[ "$(cli_version_line "$1")" == "$(want_version_line "$2")" ]]
}

# A writable copy of module $1 at version $2 in folder $3 (go mod download
# gives the module cache's read-only folder).
module_copy() {
	local dir
	mkdir -p "$3"
	# Run from the (empty) target folder: outside any module or workspace.
	dir=$(cd "$3" && GOWORK=off GOFLAGS='' go mod download -json "$1@$2" |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
	[[ -n $dir && -d $dir ]] || die "go mod download $1@$2 gave no module folder"
	cp -R "$dir/." "$3"
	chmod -R u+w "$3"
}

# Removes from terraform 1.14.3's source, in folder $1, what needs the nested
# modules that its zip lacks. Fails, rather than builds something else, if the
# source is not as expected.
patch_terraform_1_14() {
	local src=$1 init_go=$1/internal/backend/init/init.go b path
	local -a edits=()
	for b in "${tf114_backends[@]}"; do
		edits+=("-droprequire=$tf114_backend_prefix/$b" "-dropreplace=$tf114_backend_prefix/$b")
	done
	edits+=("-droprequire=$tf114_legacy" "-dropreplace=$tf114_legacy")
	(cd "$src" && go mod edit "${edits[@]}")
	if grep -n 'github.com/hashicorp/terraform/internal/' "$src/go.mod" >&2; then
		die "go.mod still names a nested module of terraform (above)"
	fi

	# init.go: the nine imports, then the map entries that call their New.
	# The aliases come from the import lines, so that the two stay in step.
	local pattern aliases removed
	pattern=$(
		IFS='|'
		printf '%s' "${tf114_backends[*]}"
	)
	aliases=$(sed -n -E "s#^[[:space:]]*([A-Za-z0-9_]+)[[:space:]]+\"$tf114_backend_prefix/($pattern)\"[[:space:]]*\$#\\1#p" "$init_go")
	[[ $(wc -l <<<"$aliases") -eq ${#tf114_backends[@]} ]] ||
		die "$init_go: expected ${#tf114_backends[@]} backend imports to remove, found: ${aliases//$'\n'/ }"
	cp "$init_go" "$init_go.orig"
	{
		grep -v -E "\"$tf114_backend_prefix/($pattern)\"" "$init_go.orig" |
			grep -v -E "[^A-Za-z0-9_]($(paste -sd '|' <<<"$aliases"))\.New\("
	} >"$init_go"
	removed=$(($(wc -l <"$init_go.orig") - $(wc -l <"$init_go")))
	[[ $removed -eq $((2 * ${#tf114_backends[@]})) ]] ||
		die "$init_go: removed $removed lines, expected $((2 * ${#tf114_backends[@]})) (an import and a registration per backend)"
	rm "$init_go.orig"
	gofmt -w "$init_go"

	# The test files that import internal/legacy (one, in 1.14.3). No test is
	# built here, but the copy should still load as a whole.
	local -a legacy_tests=()
	while IFS= read -r path; do
		legacy_tests+=("$path")
	done < <(grep -rl --include='*_test.go' "\"$tf114_legacy" "$src" || true)
	[[ ${#legacy_tests[@]} -eq 1 ]] ||
		die "expected one test file importing $tf114_legacy, found ${#legacy_tests[@]}: ${legacy_tests[*]-}"
	rm "${legacy_tests[@]}"
	if grep -rl --include='*.go' -E "\"($tf114_backend_prefix/($pattern)|$tf114_legacy)[\"/]" "$src" >&2; then
		die "files above still import a nested module of terraform"
	fi
}

# Builds the CLI named $1 to the file $2. $3 is a scratch folder.
build_cli() {
	local name=$1 out=$2 work=$3
	# Release-like builds: static, no VCS stamping, and paths trimmed, which
	# also lets a rebuild from another scratch folder reuse Go's build cache.
	# GOFLAGS is set whole, so that a -mod=vendor or similar of the caller's
	# never reaches these modules; GOWORK=off keeps any go.work out of them.
	local -a build_env=(GOWORK=off CGO_ENABLED=0 GOTOOLCHAIN=local)
	case $name in
	terraform-1.5.7)
		build_env+=(GOFLAGS="-buildvcs=false -trimpath" GOBIN="$work/bin")
		env "${build_env[@]}" go install github.com/hashicorp/terraform@v1.5.7
		mv "$work/bin/terraform" "$out"
		;;
	terraform-1.14.3)
		module_copy github.com/hashicorp/terraform v1.14.3 "$work/src"
		patch_terraform_1_14 "$work/src"
		build_env+=(GOFLAGS="-mod=mod -buildvcs=false -trimpath")
		(cd "$work/src" && env "${build_env[@]}" go build -ldflags "-X github.com/hashicorp/terraform/version.dev=no" -o "$out" .)
		;;
	tofu-1.10.6)
		module_copy github.com/opentofu/opentofu v1.10.6 "$work/src"
		build_env+=(GOFLAGS="-mod=mod -buildvcs=false -trimpath")
		(cd "$work/src" && env "${build_env[@]}" go build -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$out" ./cmd/tofu)
		;;
	*)
		die "no recipe for $name"
		;;
	esac
}

no_build=false
requested=()
while [[ $# -gt 0 ]]; do
	case $1 in
	-h | --help)
		usage
		exit 0
		;;
	--list)
		printf '%s\n' "${known_clis[@]}"
		exit 0
		;;
	--no-build) no_build=true ;;
	all) requested+=("${known_clis[@]}") ;;
	-*) die "unknown option $1 (see --help)" ;;
	*)
		if [[ " ${known_clis[*]} " != *" $1 "* ]]; then
			die "unknown CLI '$1'; one of: ${known_clis[*]} (or all)"
		fi
		requested+=("$1")
		;;
	esac
	shift
done
[[ ${#requested[@]} -gt 0 ]] || {
	usage
	exit 2
}

command -v go >/dev/null 2>&1 || die "go is not on PATH"

cache=${CLI_CACHE:-}
if [[ -z $cache ]]; then
	gobin=$(go env GOBIN)
	if [[ -z $gobin ]]; then
		gopath=$(go env GOPATH)
		gobin=${gopath%%:*}/bin
	fi
	cache=$gobin/ncloudimage-clis
fi
mkdir -p "$cache"
cache=$(cd "$cache" && pwd -P)

missing=()
for name in "${requested[@]}"; do
	cli_ok "$cache/$name" "$name" || missing+=("$name")
done

if [[ ${#missing[@]} -gt 0 ]]; then
	$no_build && die "missing, or not the version named, in $cache: ${missing[*]} (run: $0 ${missing[*]})"
	# One build at a time on this machine: builds use both cores, and two
	# invocations asking for the same CLI must not both build it.
	exec 9>"$cache/.lock"
	if ! flock -n 9; then
		log "another invocation is building into $cache; waiting for it"
		flock 9
	fi
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/ncloudimage-clis.XXXXXX")
	trap 'rm -rf "$scratch"' EXIT
	for name in "${missing[@]}"; do
		# Built by the invocation we waited for, or asked for twice.
		cli_ok "$cache/$name" "$name" && continue
		log "building $name into $cache (a few minutes)"
		start=$SECONDS
		rm -rf "${scratch:?}/$name"
		mkdir -p "$scratch/$name"
		tmp_out="$cache/.$name.partial"
		rm -f "$tmp_out"
		build_cli "$name" "$tmp_out" "$scratch/$name"
		got=$(cli_version_line "$tmp_out")
		[[ $got == "$(want_version_line "$name")" ]] ||
			die "the $name just built reports '$got', not '$(want_version_line "$name")'"
		mv -f "$tmp_out" "$cache/$name"
		rm -rf "${scratch:?}/$name"
		elapsed=$((SECONDS - start))
		log "built $name ($got) in $((elapsed / 60))m$((elapsed % 60))s"
	done
fi

for name in "${requested[@]}"; do
	printf '%s\n' "$cache/$name"
done
