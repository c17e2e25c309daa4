# scripts/deps.sh: what it says when packages are missing and it cannot
# install them.  A fake dpkg-query reports one package missing; the script
# runs as an unprivileged user, so it must explain instead of installing.

test_deps_not_root_says_what_to_run() {
	# the test root is private (0700): the unprivileged user needs its own
	bin=$(mktemp -d /tmp/strata-deps.XXXXXX)
	chmod 755 "$bin"
	cat > "$bin/dpkg-query" <<'FAKE'
#!/bin/sh
# every package installed but libcmocka-dev
for last; do :; done
[ "$last" = libcmocka-dev ] && exit 1
printf 'install ok installed'
FAKE
	chmod 755 "$bin/dpkg-query"
	cp "$ROOT/scripts/deps.sh" "$bin/deps.sh"
	if [ "$(id -u)" -eq 0 ]; then
		run_as="runuser -u nobody --"
	else
		run_as=""
	fi
	out=$($run_as env PATH="$bin:/usr/bin:/bin" sh "$bin/deps.sh" 2>&1) && rc=0 || rc=$?
	rm -rf "$bin"
	printf '%s\n' "$out" >&2
	assert_rc 1
	assert_out "missing packages: libcmocka-dev"
	assert_out "apt-get update && apt-get install -y libcmocka-dev"
}

test_deps_nothing_missing_is_silent() {
	mkdir fakebin
	printf '#!/bin/sh\nprintf "install ok installed"\n' > fakebin/dpkg-query
	chmod 755 fakebin fakebin/dpkg-query
	out=$(env PATH="$PWD/fakebin:/usr/bin:/bin" sh "$ROOT/scripts/deps.sh" 2>&1) && rc=0 || rc=$?
	assert_rc 0
	assert_eq "$out" ""
}
