#!/usr/bin/env bash
# End-to-end demo for `make demo`: builds the provider and the NCP API emulator,
# then drives terraform through create (a XEN image shared by the member
# resource, a KVM image by the server image resource), a read back through a
# data source, a no-change plan, a plan that the provider must reject (a KVM
# image in the member resource) and destroy. Exits 0 only if every step
# behaved as expected. Runs $TERRAFORM (make demo TERRAFORM=/abs/path/to/tofu), else
# terraform from PATH; touches nothing outside a temp dir.
set -euo pipefail

# TERRAFORM picks the CLI (a path, or a name on PATH): terraform, or OpenTofu's
# tofu; make demo TERRAFORM=... passes it. Made absolute before the cd below.
terraform=$(command -v "${TERRAFORM:-terraform}" || true)
[[ -z $terraform || $terraform == /* ]] || terraform=$PWD/$terraform

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)

member_resource=ncloudimage_member_server_image_sharing_permission.golden
server_resource=ncloudimage_server_image_sharing_permission.golden_kvm
data_source=data.ncloudimage_server_image_sharing_permission.golden_kvm
xen_image=10001       # XEN, status CREAT in the seed: the member resource shares it.
kvm_image=10002       # KVM, type SELF, status CREAT in the seed: the server image resource shares it.
other_kvm_image=10006 # KVM in the seed too: the member resource must refuse it at plan time.
# examples/demo's default kvm_shared_login_ids, sorted and joined as its output
# kvm_read_back_shared_login_ids joins them.
kvm_logins="alice@example.com,carol@example.com"

heading() {
	printf '\n==> %s\n' "$*"
}

fail() {
	printf '\ndemo: FAILED: %s\n' "$*" >&2
	exit 1
}

if [[ -z $terraform ]]; then
	fail "${TERRAFORM:-terraform} is not an executable file nor on PATH; build one with 'make clis' (Terraform 1.5.7 and 1.14.3, OpenTofu 1.10.6) and pass its path as TERRAFORM"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ncloudimage-demo.XXXXXX")
emulator_pid=""

cleanup() {
	local status=$?
	if [[ $status -ne 0 && -s "$tmp/emulator.log" ]]; then
		printf '\n--- emulator log (last 40 lines) ---\n' >&2
		tail -n 40 "$tmp/emulator.log" >&2
	fi
	if [[ -n "$emulator_pid" ]] && kill -0 "$emulator_pid" 2>/dev/null; then
		kill "$emulator_pid" 2>/dev/null || true
		wait "$emulator_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Colour only for a person at a terminal; logs and grep get plain text.
color=()
if [[ ! -t 1 ]]; then
	color=(-no-color)
fi

heading "Building the provider and the emulator in $tmp"
go build -o "$tmp/bin/terraform-provider-ncloudimage" .
go build -o "$tmp/bin/ncloud-emulator" ./internal/emulator/cmd/ncloud-emulator

heading "Starting the NCP API emulator"
"$tmp/bin/ncloud-emulator" \
	-listen 127.0.0.1:0 \
	-seed "$repo/examples/emulator/seed.json" \
	-url-file "$tmp/url" \
	-access-key demo-access-key \
	-secret-key demo-secret-key \
	>"$tmp/emulator.log" 2>&1 &
emulator_pid=$!

# The emulator writes its URL once it is listening; give it ten seconds.
url=""
for _ in $(seq 1 100); do
	if [[ -s "$tmp/url" ]]; then
		url=$(tr -d '[:space:]' <"$tmp/url")
		[[ -n "$url" ]] && break
	fi
	if ! kill -0 "$emulator_pid" 2>/dev/null; then
		cat "$tmp/emulator.log" >&2
		fail "the emulator exited before it was listening"
	fi
	sleep 0.1
done
[[ -n "$url" ]] || {
	cat "$tmp/emulator.log" >&2
	fail "the emulator did not write its URL to $tmp/url within 10s"
}
echo "emulator at $url"

# dev_overrides makes terraform load the provider just built, with no registry.
cat >"$tmp/terraformrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/ncloudimage/ncloudimage" = "$tmp/bin"
    "registry.opentofu.org/ncloudimage/ncloudimage" = "$tmp/bin"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE="$tmp/terraformrc"
# The emulator's URL and keys, whatever NCP settings the user's environment
# holds: the provider takes these before ~/.ncloud/configure, and the seed's
# images are in the default region, KR.
export NCLOUD_API_GW="$url"
export NCLOUD_ACCESS_KEY=demo-access-key
export NCLOUD_SECRET_KEY=demo-secret-key
unset NCLOUD_ACCESS_KEY_ID NCLOUD_SECRET_ACCESS_KEY NCLOUD_REGION NCLOUD_SITE
export CHECKPOINT_DISABLE=1
export TF_INPUT=0
unset TF_DATA_DIR TF_WORKSPACE TF_CLI_ARGS TF_CLI_ARGS_plan TF_CLI_ARGS_apply TF_CLI_ARGS_destroy

cp -R examples/demo "$tmp/work"
cd "$tmp/work"

heading "CLI: $("$terraform" version | sed -n 1p) ($terraform)"

# No `terraform init`: with dev_overrides, init still asks registry.terraform.io
# for the provider (checked on terraform 1.11) and so fails offline; terraform
# itself says to skip it. plan, apply and destroy work without it, because the
# only provider is overridden and there are no modules and no remote backend.
heading "terraform init: skipped (dev_overrides needs no init, and init would need the registry)"

heading "terraform apply: share XEN image $xen_image (member resource) and KVM image $kvm_image (server image resource)"
"$terraform" apply -auto-approve -compact-warnings ${color[@]+"${color[@]}"}

heading "terraform state show: the member resource, then the server image resource"
"$terraform" state show ${color[@]+"${color[@]}"} "$member_resource"
"$terraform" state show ${color[@]+"${color[@]}"} "$server_resource"

heading "terraform output"
"$terraform" output ${color[@]+"${color[@]}"}

heading "$data_source: image $kvm_image read back from NCP, shared with $kvm_logins"
for name in xen_share_status kvm_share_status; do
	status=$("$terraform" output -raw "$name")
	[[ $status == SHARE ]] || fail "output $name is '$status', want SHARE"
done
read_back=$("$terraform" output -raw kvm_read_back_image)
echo "image: $read_back"
[[ $read_back == *"(KVM, CREAT)" ]] || fail "the data source read image $kvm_image as '$read_back', want a KVM image in status CREAT"
read_back=$("$terraform" output -raw kvm_read_back_shared_login_ids)
echo "shared with: $read_back"
[[ $read_back == "$kvm_logins" ]] || fail "the data source read image $kvm_image shared with '$read_back', want '$kvm_logins'"
echo "both images shared (SHARE), and the data source reads back the KVM image's logins, as expected"

heading "terraform plan: nothing changed, so no changes expected"
rc=0
"$terraform" plan -detailed-exitcode -compact-warnings ${color[@]+"${color[@]}"} || rc=$?
[[ $rc -eq 0 ]] || fail "the plan after apply exited $rc (0 = no changes, 2 = changes, 1 = error)"
echo "no changes, as expected"

heading "terraform plan -var xen_image_no=$other_kvm_image: a KVM image in the member resource, whose API cannot share it"
rc=0
"$terraform" plan -no-color -compact-warnings -var "xen_image_no=$other_kvm_image" >"$tmp/kvm-plan.txt" 2>&1 || rc=$?
cat "$tmp/kvm-plan.txt"
[[ $rc -ne 0 ]] || fail "the plan for KVM image $other_kvm_image succeeded; the member resource must reject it"
kvm_error=$(grep -m 1 KVM "$tmp/kvm-plan.txt") || fail "the plan for image $other_kvm_image failed, but not because the image is KVM"
grep -q "ncloudimage_server_image_sharing_permission" "$tmp/kvm-plan.txt" ||
	fail "the plan for KVM image $other_kvm_image failed without naming ncloudimage_server_image_sharing_permission, the resource type for KVM images"
printf '\nrejected at plan, naming the server image resource, as expected: %s\n' "$kvm_error"

heading "terraform destroy"
"$terraform" destroy -auto-approve -compact-warnings ${color[@]+"${color[@]}"}
left=$("$terraform" state list)
[[ -z "$left" ]] || fail "resources left in state after destroy: $left"

heading "Demo finished: every step behaved as expected"
