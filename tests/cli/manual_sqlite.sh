# The manual is generated from `strata help`: it must match the binary.

test_manual_is_current() {
	sh "$ROOT/scripts/gen-manual.sh" "$STRATA" > manual.md
	diff -u "$ROOT/docs/strata.1.md" manual.md ||
		fail "docs/strata.1.md is stale: run sh scripts/gen-manual.sh build/strata > docs/strata.1.md"
}
