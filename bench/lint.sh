#!/usr/bin/env bash
# Lints generated PostgreSQL migrations with `strata lint` and with squawk
# (squawk-cli from npm), on two corpora: (a) a directory of 1000 migration
# files, (b) one file of about 20 MB.  Prints median wall time, CPU time, peak
# RSS and the number of findings of each tool side by side.  It reports; it
# never asserts a time.  See bench/README.md.
#
#   bench/lint.sh                  RUNS=5 (timed repetitions), FILES=1000,
#                                  BIG_MB=20, PG_VERSION=15,
#                                  STRATA=build/strata, CORPORA="dir file"
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-5}
NFILES=${FILES:-1000}
BIG_MB=${BIG_MB:-20}
PG_VERSION=${PG_VERSION:-15}
STRATA=${STRATA:-$ROOT/build/strata}
CORPORA=${CORPORA:-"dir file"}
PEERS=$ROOT/bench/.peers

for v in RUNS FILES BIG_MB PG_VERSION; do
	case ${!v:-1} in '' | *[!0-9]* | 0) echo "lint.sh: $v must be a positive integer" >&2; exit 2 ;; esac
done
[ "$NFILES" -le 999999 ] || { echo "lint.sh: FILES must be at most 999999" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-lint.XXXXXX")
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { printf '%s\n' "$*" >&2; }

# ---- the corpora ----------------------------------------------------------

# One awk program writes both corpora from the same blocks of DDL.  Block i
# belongs to table group int(i / 8); block kind i % 8 is:
#   0 CREATE TABLE with constraints, an index and comments
#   1 ADD COLUMN, batched UPDATE backfill, SET DEFAULT, SET NOT NULL
#   2 ADD CONSTRAINT ... NOT VALID (foreign key, check), VALIDATE CONSTRAINT
#   3 plpgsql trigger function ($$ body) and its trigger
#   4 CREATE [UNIQUE] INDEX CONCURRENTLY (a no-transaction migration)
#   5 a longer plpgsql function ($fn$ body with a nested $q$ string, loops)
#   6 an SQL-language function, a view, grants
#   7 an enum type, column type change, rename, drop, lock/statement timeouts
# mode=dir: one block per file, NFILES files named 000001_<name>.up.sql.
# mode=file: blocks appended to one file until it holds BYTES bytes.
# shellcheck disable=SC2016 # awk program: $ and quotes are awk's and SQL's
GEN_AWK='
function pad(n) { return sprintf("%06d", n) }
function block(i, notx,    g, k, t, n, s, c, j, ref) {
	g = int(i / 8); k = i % 8
	n = noun[g % 8]; t = n "_" pad(g); ref = noun[(g + 3) % 8] "_" pad(int(g / 2))
	c = col[g % 6]
	if (k == 0) {
		s = "-- " t ": one row per " n " record, written by the " svc[g % 5] " service\n"
		s = s "CREATE TABLE IF NOT EXISTS " t " (\n"
		s = s "    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
		s = s "    account_id bigint NOT NULL,\n"
		s = s "    " ref "_id bigint,\n"
		s = s "    status text NOT NULL DEFAULT '\''pending'\'' CHECK (status IN ('\''pending'\'', '\''active'\'', '\''done'\'', '\''cancelled'\'')),\n"
		s = s "    amount_cents bigint NOT NULL DEFAULT 0 CHECK (amount_cents >= 0),\n"
		s = s "    currency char(3) NOT NULL DEFAULT '\''EUR'\'',\n"
		s = s "    payload jsonb NOT NULL DEFAULT '\''{}'\''::jsonb,\n"
		s = s "    note text,\n"
		s = s "    created_at timestamptz NOT NULL DEFAULT now(),\n"
		s = s "    updated_at timestamptz NOT NULL DEFAULT now(),\n"
		s = s "    CONSTRAINT " t "_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE,\n"
		s = s "    CONSTRAINT " t "_note_len CHECK (char_length(note) <= " (500 + g % 1500) "),\n"
		s = s "    CONSTRAINT " t "_uniq UNIQUE (account_id, created_at)\n"
		s = s ");\n"
		s = s "CREATE INDEX IF NOT EXISTS " t "_account_idx ON " t " (account_id, created_at DESC);\n"
		s = s "CREATE INDEX IF NOT EXISTS " t "_open_idx ON " t " (status) WHERE status <> '\''done'\'';\n"
		s = s "COMMENT ON TABLE " t " IS '\''" n " records; see docs/" n ".md; owner: " svc[g % 5] "'\'';\n"
		s = s "COMMENT ON COLUMN " t ".payload IS '\''free-form attributes, validated by the application'\'';\n"
	} else if (k == 1) {
		s = "-- add " c " to " t " and backfill it in batches\n"
		s = s "ALTER TABLE " t " ADD COLUMN IF NOT EXISTS " c "_v2 " ctype[g % 6] ";\n"
		s = s "ALTER TABLE " t " ADD COLUMN IF NOT EXISTS " c "_source text;\n"
		for (j = 0; j < 3 + g % 4; j++)
			s = s "UPDATE " t " SET " c "_v2 = " cexpr[g % 6] ", " c "_source = '\''backfill'\'' WHERE id > " (j * 50000) " AND id <= " ((j + 1) * 50000) " AND " c "_v2 IS NULL;\n"
		s = s "ALTER TABLE " t " ALTER COLUMN " c "_v2 SET DEFAULT " cexpr[g % 6] ";\n"
		s = s "/* every row has a value now: the NOT NULL check scans the table once */\n"
		s = s "ALTER TABLE " t " ALTER COLUMN " c "_v2 SET NOT NULL;\n"
		s = s "ANALYZE " t ";\n"
	} else if (k == 2) {
		s = "-- constraints are added NOT VALID first, then validated without a long lock\n"
		s = s "ALTER TABLE " t "\n    ADD CONSTRAINT " t "_" ref "_fk FOREIGN KEY (" ref "_id)\n    REFERENCES " ref " (id) ON DELETE SET NULL NOT VALID;\n"
		s = s "ALTER TABLE " t " VALIDATE CONSTRAINT " t "_" ref "_fk;\n"
		s = s "ALTER TABLE " t "\n    ADD CONSTRAINT " t "_currency_chk CHECK (currency ~ '\''^[A-Z]{3}$'\'') NOT VALID;\n"
		s = s "ALTER TABLE " t " VALIDATE CONSTRAINT " t "_currency_chk;\n"
		s = s "ALTER TABLE " t "\n    ADD CONSTRAINT " t "_amount_chk CHECK (amount_cents < " (1000000 * (1 + g % 9)) ") NOT VALID;\n"
		s = s "ALTER TABLE " t " VALIDATE CONSTRAINT " t "_amount_chk;\n"
	} else if (k == 3) {
		s = "-- keep " t ".updated_at current and log status changes\n"
		s = s "CREATE OR REPLACE FUNCTION " t "_touch() RETURNS trigger\n"
		s = s "LANGUAGE plpgsql AS $$\n"
		s = s "BEGIN\n"
		s = s "    NEW.updated_at := now();\n"
		s = s "    IF TG_OP = '\''UPDATE'\'' AND NEW.status IS DISTINCT FROM OLD.status THEN\n"
		s = s "        INSERT INTO audit_log (table_name, row_id, old_status, new_status, changed_at)\n"
		s = s "        VALUES (TG_TABLE_NAME, NEW.id, OLD.status, NEW.status, now());\n"
		s = s "    END IF;\n"
		s = s "    -- a semicolon inside the body; does not end the statement\n"
		s = s "    RETURN NEW;\n"
		s = s "END;\n"
		s = s "$$;\n"
		s = s "DROP TRIGGER IF EXISTS " t "_touch_trg ON " t ";\n"
		s = s "CREATE TRIGGER " t "_touch_trg\n"
		s = s "    BEFORE INSERT OR UPDATE ON " t "\n"
		s = s "    FOR EACH ROW EXECUTE FUNCTION " t "_touch();\n"
	} else if (k == 4) {
		s = notx ? "-- strata:no-transaction\n" : ""
		s = s "-- built concurrently: writes to " t " go on while the indexes build\n"
		s = s "SET lock_timeout = '\''5s'\'';\n"
		s = s "CREATE INDEX CONCURRENTLY IF NOT EXISTS " t "_" c "_idx\n    ON " t " (" c "_v2);\n"
		s = s "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS " t "_ref_uidx\n    ON " t " (" ref "_id, account_id)\n    WHERE " ref "_id IS NOT NULL;\n"
		s = s "CREATE INDEX CONCURRENTLY IF NOT EXISTS " t "_payload_gin\n    ON " t " USING gin (payload jsonb_path_ops);\n"
		s = s "-- the planner needs fresh statistics for the new indexes\n"
		s = s "ANALYZE " t ";\n"
	} else if (k == 5) {
		s = "-- archive old " n " rows of one account, in chunks\n"
		s = s "CREATE OR REPLACE FUNCTION " t "_archive(p_account bigint, p_before timestamptz, p_chunk int DEFAULT 1000)\n"
		s = s "RETURNS bigint\n"
		s = s "LANGUAGE plpgsql\n"
		s = s "SECURITY DEFINER\n"
		s = s "SET search_path = public, pg_temp\n"
		s = s "AS $fn$\n"
		s = s "DECLARE\n"
		s = s "    v_moved bigint := 0;\n"
		s = s "    v_batch bigint;\n"
		s = s "    v_sql text := $q$DELETE FROM " t " WHERE id = ANY($1); -- not a statement end$q$;\n"
		s = s "BEGIN\n"
		s = s "    IF p_chunk <= 0 THEN\n"
		s = s "        RAISE EXCEPTION '\''chunk must be positive, got %'\'', p_chunk USING ERRCODE = '\''22023'\'';\n"
		s = s "    END IF;\n"
		s = s "    LOOP\n"
		s = s "        WITH moved AS (\n"
		s = s "            INSERT INTO " t "_archive\n"
		s = s "            SELECT * FROM " t "\n"
		s = s "            WHERE account_id = p_account AND created_at < p_before\n"
		s = s "            ORDER BY id\n"
		s = s "            LIMIT p_chunk\n"
		s = s "            RETURNING id\n"
		s = s "        )\n"
		s = s "        SELECT count(*) INTO v_batch FROM moved;\n"
		s = s "        EXIT WHEN v_batch = 0;\n"
		s = s "        EXECUTE v_sql USING (SELECT array_agg(id) FROM " t "_archive WHERE account_id = p_account);\n"
		s = s "        v_moved := v_moved + v_batch;\n"
		s = s "        RAISE NOTICE '\''moved % rows of " t " for account %; it'\'''\''s safe to stop'\'', v_moved, p_account;\n"
		s = s "    END LOOP;\n"
		s = s "    RETURN v_moved;\n"
		s = s "END;\n"
		s = s "$fn$;\n"
		s = s "COMMENT ON FUNCTION " t "_archive(bigint, timestamptz, int) IS '\''moves rows to " t "_archive; safe to rerun'\'';\n"
		s = s "REVOKE ALL ON FUNCTION " t "_archive(bigint, timestamptz, int) FROM PUBLIC;\n"
	} else if (k == 6) {
		s = "-- read-side helpers for " t "\n"
		s = s "CREATE OR REPLACE FUNCTION " t "_total(p_account bigint)\n"
		s = s "RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE AS $$\n"
		s = s "    SELECT coalesce(sum(amount_cents), 0)\n"
		s = s "    FROM " t "\n"
		s = s "    WHERE account_id = p_account AND status <> '\''cancelled'\''\n"
		s = s "$$;\n"
		s = s "CREATE OR REPLACE VIEW " t "_open AS\n"
		s = s "    SELECT id, account_id, status, amount_cents, created_at\n"
		s = s "    FROM " t "\n"
		s = s "    WHERE status IN ('\''pending'\'', '\''active'\'');\n"
		s = s "GRANT SELECT ON " t "_open TO reporting;\n"
		s = s "GRANT EXECUTE ON FUNCTION " t "_total(bigint) TO reporting;\n"
	} else {
		s = "SET lock_timeout = '\''2s'\'';\n"
		s = s "SET statement_timeout = '\''60s'\'';\n"
		s = s "CREATE TYPE " t "_kind AS ENUM ('\''standard'\'', '\''express'\'', '\''bulk'\'');\n"
		s = s "ALTER TABLE " t " ADD COLUMN kind " t "_kind NOT NULL DEFAULT '\''standard'\'';\n"
		s = s "ALTER TABLE " t " ALTER COLUMN currency TYPE varchar(3);\n"
		s = s "ALTER TABLE " t " RENAME COLUMN note TO remarks;\n"
		s = s "ALTER TABLE " t " DROP COLUMN IF EXISTS " c "_source;\n"
		s = s "ALTER TYPE " t "_kind ADD VALUE IF NOT EXISTS '\''overnight'\'';\n"
		s = s "DELETE FROM " t " WHERE status = '\''cancelled'\'' AND created_at < now() - interval '\''" (30 + g % 335) " days'\'';\n"
		s = s "RESET statement_timeout;\n"
		s = s "RESET lock_timeout;\n"
	}
	return s
}
BEGIN {
	split("accounts orders invoices shipments payments sessions products events", a, " ")
	for (j = 1; j <= 8; j++) noun[j - 1] = a[j]
	split("billing checkout fulfilment identity reporting", a, " ")
	for (j = 1; j <= 5; j++) svc[j - 1] = a[j]
	split("score priority region owner quota rank", a, " ")
	for (j = 1; j <= 6; j++) col[j - 1] = a[j]
	split("integer|smallint|text|bigint|numeric(12,2)|real", a, "|")
	for (j = 1; j <= 6; j++) ctype[j - 1] = a[j]
	split("0|1|'\''eu-west'\''|0|0.00|1.0", a, "|")
	for (j = 1; j <= 6; j++) cexpr[j - 1] = a[j]
	split("create backfill validate trigger index archive helpers rework", a, " ")
	for (j = 1; j <= 8; j++) verb[j - 1] = a[j]
	if (mode == "dir") {
		for (i = 0; i < nfiles; i++) {
			f = out "/" pad(i + 1) "_" verb[i % 8] "_" noun[int(i / 8) % 8] "_" pad(int(i / 8)) ".up.sql"
			printf "%s", block(i, 1) > f
			close(f)
		}
	} else {
		for (i = 0; total < bytes; i++) {
			s = block(i, 0) "\n"
			printf "%s", s > out
			total += length(s)
		}
	}
}'

generate() {
	mkdir -p "$WORK/dir"
	LC_ALL=C awk -v mode=dir -v nfiles="$NFILES" -v out="$WORK/dir" "$GEN_AWK"
	LC_ALL=C awk -v mode=file -v bytes=$((BIG_MB * 1000 * 1000)) -v out="$WORK/big.sql" "$GEN_AWK"
}

# ---- measuring ------------------------------------------------------------

# measure NAME CMD...: runs CMD in $WORK (stdout to $WORK/out/NAME, stderr to
# $WORK/out/NAME.err) and appends "wall_ns peak_rss_kb cpu_s" to
# $WORK/times/NAME.  Returns CMD's status.
#   GNU time (Debian package time) gives peak RSS and CPU time; without it,
#   python3's getrusage does; without either, only the wall time is known.
PY_MEASURE='import resource, subprocess, sys, time
t0 = time.perf_counter_ns()
rc = subprocess.call(sys.argv[2:])
t1 = time.perf_counter_ns()
r = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    f.write("%d %d %.2f\n" % (t1 - t0, r.ru_maxrss, r.ru_utime + r.ru_stime))
sys.exit(rc if rc >= 0 else 128 - rc)'

if [ -x /usr/bin/time ] && /usr/bin/time -q -f '%M' -o /dev/null true 2>/dev/null; then
	MEASURER="GNU time"
elif python3 -c 'import resource, subprocess' >/dev/null 2>&1; then
	MEASURER="python3 getrusage"
else
	MEASURER="none (no peak RSS: apt-get install time)"
fi

measure() {
	local name=$1 t0 t1 rc=0 rss=- cpu=- ns u s
	shift
	case $MEASURER in
	"GNU time")
		rm -f "$WORK/rusage"
		t0=$(date +%s%N)
		(cd "$WORK" && /usr/bin/time -q -f '%M %U %S' -o "$WORK/rusage" "$@") \
			>"$WORK/out/$name" 2>"$WORK/out/$name.err" || rc=$?
		t1=$(date +%s%N)
		ns=$((t1 - t0))
		if [ -s "$WORK/rusage" ] && read -r rss u s <"$WORK/rusage"; then
			cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
		else
			rss=-
		fi
		;;
	"python3 getrusage")
		rm -f "$WORK/rusage"
		t0=$(date +%s%N)
		(cd "$WORK" && python3 -c "$PY_MEASURE" "$WORK/rusage" "$@") \
			>"$WORK/out/$name" 2>"$WORK/out/$name.err" || rc=$?
		t1=$(date +%s%N)
		ns=$((t1 - t0)) # replaced by python's own figure, without its start-up
		[ -s "$WORK/rusage" ] && read -r ns rss cpu <"$WORK/rusage"
		;;
	*)
		t0=$(date +%s%N)
		(cd "$WORK" && "$@") >"$WORK/out/$name" 2>"$WORK/out/$name.err" || rc=$?
		t1=$(date +%s%N)
		ns=$((t1 - t0))
		;;
	esac
	echo "$ns $rss $cpu" >>"$WORK/times/$name"
	return "$rc"
}

# median COL FILE: the median of column COL of FILE ("-" if it has none)
median() {
	awk -v c="$1" '$c != "-" { print $c }' "$2" | sort -g | awk '{ a[NR] = $1 }
		END { if (!NR) { print "-"; exit }
		      printf "%s", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
spread() { # "min-max" of the wall times in FILE, in seconds
	sort -n "$1" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.3f-%.3f", lo / 1e9, hi / 1e9 }'
}

# first non-empty line of a run's stderr (or stdout), for a failure row
why() {
	{ grep -m1 -v '^[[:space:]]*$' "$WORK/out/$1.err" 2>/dev/null ||
		grep -m1 -v '^[[:space:]]*$' "$WORK/out/$1" 2>/dev/null || echo "no output"; } | cut -c1-100
}

# ---- the tools ------------------------------------------------------------

declare -A UNAVAIL  # UNAVAIL[tool]: why the tool cannot run at all
declare -A FAIL     # FAIL[corpus.tool]: why it has no figure on that corpus
declare -A FINDINGS # FINDINGS[corpus.tool]: what its first run reported

find_strata() {
	if [ ! -x "$STRATA" ]; then
		UNAVAIL[strata]="${STRATA#"$ROOT"/} not found: run make"
	elif ! "$STRATA" help lint >/dev/null 2>&1; then
		UNAVAIL[strata]="lint command not available in ${STRATA#"$ROOT"/} ($("$STRATA" --version 2>/dev/null | head -n1 || true))"
	fi
}

# squawk-cli's npm package is a node wrapper that spawns a native binary
# from an optional per-platform package (@squawk-cli/linux-x64, ...).  The
# benchmark runs that binary directly, so node's start-up time and memory are
# not counted against squawk.
find_squawk() {
	SQUAWK=""
	local b
	if ! compgen -G "$PEERS/node_modules/@squawk-cli/*/bin/squawk" >/dev/null; then
		if ! command -v npm >/dev/null 2>&1; then
			UNAVAIL[squawk]="not available: npm not found (apt-get install npm)"
			return 0
		fi
		log "installing squawk-cli into bench/.peers (first run only)..."
		npm install --prefix "$PEERS" --no-audit --no-fund --loglevel=error --include=optional \
			squawk-cli >"$WORK/npm.log" 2>&1 || true
	fi
	for b in "$PEERS"/node_modules/@squawk-cli/*/bin/squawk; do
		if [ -x "$b" ] && "$b" --version >/dev/null 2>&1; then
			SQUAWK=$b
			break
		fi
	done
	if [ -z "$SQUAWK" ]; then
		UNAVAIL[squawk]="not available: npm install squawk-cli gave no binary that runs here: $(
			grep -m1 -i err "$WORK/npm.log" 2>/dev/null | cut -c1-80 || echo "see npm install --prefix bench/.peers squawk-cli")"
	fi
}

# lint_once CORPUS TOOL RUN: one measured run; sets FAIL[CORPUS.TOOL] on failure
lint_once() {
	local corpus=$1 tool=$2 run=$3 name=$1.$2 rc=0 args
	case $tool in
	strata)
		# exit 0: no findings, 1: findings, 2 and above: the run failed.
		# DATABASE_URL is unset so lint never looks at a database.
		if [ "$corpus" = dir ]; then args=(--dir "$WORK/dir"); else args=("$WORK/big.sql"); fi
		measure "$name" env -u DATABASE_URL "$STRATA" lint --dialect postgres --format json \
			--pg-version "$PG_VERSION" "${args[@]}" || rc=$?
		;;
	squawk)
		# squawk: exit 0 no findings, 1 findings (syntax errors included), other: failure.
		# No config file is read (the temp dir has none), nothing is uploaded.
		if [ "$corpus" = dir ]; then args=("$WORK"/dir/*.sql); else args=("$WORK/big.sql"); fi
		measure "$name" "$SQUAWK" --reporter json --pg-version "$PG_VERSION.0" \
			--no-error-on-unmatched-pattern "${args[@]}" || rc=$?
		;;
	esac
	if [ "$rc" -gt 1 ]; then
		FAIL[$name]="failed on run $run (exit $rc): $(why "$name")"
	elif [ "$run" = warm-up ]; then
		count_findings "$corpus" "$tool"
	fi
}

# count_findings CORPUS TOOL: FINDINGS[CORPUS.TOOL] = "N" or "N (M parse errors)"
#   squawk --reporter json prints one array of {file, line, rule_name, ...};
#   syntax errors are findings with rule_name "syntax-error".  For strata the
#   filter accepts an array, {"findings": [...]} (or diagnostics, results,
#   violations), or one JSON object per line; a finding whose rule/code names
#   syntax or parse counts as a parse error.
count_findings() {
	local name=$1.$2 n
	if ! command -v jq >/dev/null 2>&1; then
		FINDINGS[$name]="? (jq not found)"
		return 0
	fi
	n=$(jq -r -s '
		def items: if type == "array" then .
			elif type == "object" then (.findings // .diagnostics // .results // .violations //
				([.files[]?.findings[]?] | if length > 0 then . else [.] end))
			else [] end;
		[ .[] | items[] ] as $f
		| [ $f[] | select(type == "object")
		    | (.rule_name // .rule // .code // .id // "") | tostring
		    | select(test("syntax|parse"; "i")) ] as $p
		| "\($f | length) \($p | length)"' "$WORK/out/$name" 2>/dev/null) || n=""
	if [ -z "$n" ]; then
		FINDINGS[$name]="? (output is not JSON: $(head -c 60 "$WORK/out/$name" | tr '\n' ' '))"
	elif [ "${n#* }" != 0 ]; then
		FINDINGS[$name]="${n% *} (${n#* } parse errors)"
	else
		FINDINGS[$name]=${n% *}
	fi
}

# ---- report ---------------------------------------------------------------

table() {
	local corpus=$1 title=$2 tool f s base_s ratio rss cpu
	printf '\n%s\n' "$title"
	printf '  %-8s %9s %14s  %-13s %6s %12s   %s\n' tool 'median s' 'squawk/strata' 'min-max s' 'CPU s' 'peak RSS MB' findings
	base_s=""
	[ -z "${UNAVAIL[strata]:-}${FAIL[$corpus.strata]:-}" ] && [ -s "$WORK/times/$corpus.strata" ] &&
		base_s=$(median 1 "$WORK/times/$corpus.strata")
	for tool in strata squawk; do
		f=$WORK/times/$corpus.$tool
		if [ -n "${UNAVAIL[$tool]:-}" ]; then
			printf '  %-8s %s\n' "$tool:" "${UNAVAIL[$tool]}"
			continue
		elif [ -n "${FAIL[$corpus.$tool]:-}" ] || [ ! -s "$f" ]; then
			printf '  %-8s %s\n' "$tool:" "${FAIL[$corpus.$tool]:-no figure}"
			continue
		fi
		s=$(median 1 "$f")
		ratio=-
		if [ "$tool" = squawk ] && [ -n "$base_s" ]; then
			ratio=$(awk -v a="$s" -v b="$base_s" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
		fi
		rss=$(median 2 "$f")
		[ "$rss" = - ] || rss=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
		cpu=$(median 3 "$f")
		[ "$cpu" = - ] || cpu=$(awk -v c="$cpu" 'BEGIN { printf "%.2f", c }')
		printf '  %-8s %9.3f %14s  %-13s %6s %12s   %s\n' "$tool" "$(awk -v n="$s" 'BEGIN { print n / 1e9 }')" \
			"$ratio" "$(spread "$f")" "$cpu" "$rss" "${FINDINGS[$corpus.$tool]:-?}"
	done
}

# bench CORPUS: one warm-up run per tool (its output gives the findings), then
# RUNS measured rounds, the tool that goes first alternating.
bench() {
	local corpus=$1 run i tool tools=(strata squawk)
	for tool in "${tools[@]}"; do
		[ -z "${UNAVAIL[$tool]:-}" ] || continue
		lint_once "$corpus" "$tool" warm-up
		rm -f "$WORK/times/$corpus.$tool"
	done
	for ((run = 1; run <= RUNS; run++)); do
		log "  $corpus: run $run of $RUNS"
		for ((i = 0; i < 2; i++)); do
			tool=${tools[$(((run - 1 + i) % 2))]}
			[ -z "${UNAVAIL[$tool]:-}${FAIL[$corpus.$tool]:-}" ] || continue
			lint_once "$corpus" "$tool" "$run"
		done
	done
}

# ---- main -----------------------------------------------------------------

mkdir -p "$WORK/out" "$WORK/times"
find_strata
find_squawk

log "generating the corpora in $WORK ..."
generate

printf 'strata lint benchmark: strata lint vs squawk, PostgreSQL %s rules, median of %s run(s) after one warm-up\n' \
	"$PG_VERSION" "$RUNS"
printf 'machine: %s, %s cores; %s; peak RSS and CPU from %s\n' "$(uname -sm)" "$(nproc 2>/dev/null || echo '?')" \
	"$(date -u '+%Y-%m-%d %H:%M UTC')" "$MEASURER"
printf 'versions:'
if [ -x "$STRATA" ]; then
	printf ' strata %s' "$({ "$STRATA" --version 2>/dev/null || true; } | head -n1 | awk '{ print $NF } END { if (!NR) print "?" }')"
fi
[ -z "${UNAVAIL[squawk]:-}" ] && printf ' squawk %s' "$("$SQUAWK" --version | awk '{ print $NF }')"
printf '\ntargets (issue): strata >= 3x squawk on (a), >= 1x on (b), peak RSS not above squawk'"'"'s\n'

status=0
for corpus in $CORPORA; do
	case $corpus in
	dir)
		log "(a) $NFILES migration files ..."
		bench dir
		table dir "$(printf '(a) a directory of %s migration files: %s bytes, %s lines (strata --dir; squawk on the same files)' \
			"$NFILES" "$(cat "$WORK"/dir/*.sql | wc -c)" "$(cat "$WORK"/dir/*.sql | wc -l)")"
		;;
	file)
		log "(b) one file of $BIG_MB MB ..."
		bench file
		table file "$(printf '(b) one file: %s bytes, %s lines, %s functions with dollar-quoted bodies' \
			"$(wc -c <"$WORK/big.sql")" "$(wc -l <"$WORK/big.sql")" "$(grep -c '^CREATE OR REPLACE FUNCTION' "$WORK/big.sql")")"
		;;
	*) log "lint.sh: unknown corpus in CORPORA: $corpus (dir or file)"; continue ;;
	esac
	[ -z "${FAIL[$corpus.strata]:-}" ] || status=1
done
printf '\nsquawk/strata: squawk'"'"'s median time over strata'"'"'s (above 1: strata is faster)\n'

[ -z "${UNAVAIL[strata]:-}" ] || status=1
[ "$status" -eq 0 ] || echo "lint.sh: strata has no figure: ${UNAVAIL[strata]:-see the rows above}" >&2
exit "$status"
