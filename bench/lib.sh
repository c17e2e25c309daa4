# Shared by the benchmarks (sourced): a throwaway PostgreSQL server and
# dbmate from npm.  The caller sets ROOT, WORK, PEERS, PGPORT_BENCH, declares
# UNAVAIL (an associative array) and log(), and calls pg_server_stop on
# exit.

# Starts the server in a new temporary directory, PGTMP: initdb, a unix
# socket only, defaults otherwise.  Sets PG_BIN, PGTMP, AS_PG, PG_RUNNING,
# PGCONN; on failure returns 1 with the reason in PG_SKIP.
pg_server_start() {
	PG_BIN=""
	if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
		PG_BIN=$(dirname "$(command -v pg_ctl)")
	else
		PG_BIN=$(find /usr/lib/postgresql -path '*/bin/pg_ctl' 2>/dev/null | sort -V | tail -n1 | xargs -r dirname)
	fi
	if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
		PG_SKIP="initdb not found (apt-get install postgresql)"
		return 1
	fi
	command -v psql >/dev/null 2>&1 || { PG_SKIP="psql not found (apt-get install postgresql-client)"; return 1; }
	PGTMP=$(mktemp -d "${TMPDIR:-/tmp}/strata-bench-pg.XXXXXX")
	if [ "$(id -u)" -eq 0 ]; then
		# PostgreSQL refuses to run as root: the server belongs to nobody.
		chown nobody "$PGTMP"
		AS_PG=(runuser -u nobody --)
	fi
	# Defaults everywhere else (fsync, synchronous_commit, full_page_writes):
	# every commit is durable, as in production.
	(cd "$PGTMP" && "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PGTMP/data" -U postgres -A trust \
		-E UTF8 --locale=C.UTF-8) >"$PGTMP/initdb.log" 2>&1 ||
		(cd "$PGTMP" && "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PGTMP/data" -U postgres -A trust \
			-E UTF8 --locale=C) >"$PGTMP/initdb.log" 2>&1 ||
		{ PG_SKIP="initdb failed: $(tail -n1 "$PGTMP/initdb.log")"; return 1; }
	cat >>"$PGTMP/data/postgresql.conf" <<-EOF
		listen_addresses = ''
		unix_socket_directories = '$PGTMP'
		port = $PGPORT_BENCH
	EOF
	(cd "$PGTMP" && "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w start) \
		>/dev/null 2>&1 || { PG_SKIP="server did not start: $(tail -n1 "$PGTMP/server.log" 2>/dev/null)"; return 1; }
	PG_RUNNING=1
	PGCONN="host=$PGTMP port=$PGPORT_BENCH user=postgres"
}

# Stops the server (MODE: fast, or immediate when clients may still be
# busy) and removes its directory; safe to call when none was started.
pg_server_stop() {
	if [ "${PG_RUNNING:-0}" = 1 ]; then
		"${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PGTMP/data" -m "${1:-fast}" -w stop >/dev/null 2>&1 || true
		PG_RUNNING=0
	fi
	[ -n "${PGTMP:-}" ] && rm -rf "$PGTMP"
	return 0
}

# Sets DBMATE, installing it into bench/.peers on the first run; or says
# why not in UNAVAIL[dbmate].
find_dbmate() {
	DBMATE=""
	if [ -x "$PEERS/node_modules/.bin/dbmate" ]; then
		DBMATE=$PEERS/node_modules/.bin/dbmate
	elif command -v dbmate >/dev/null 2>&1; then
		DBMATE=$(command -v dbmate)
	elif ! command -v npm >/dev/null 2>&1; then
		UNAVAIL[dbmate]="not available: npm not found (apt-get install npm)"
	else
		log "installing dbmate into bench/.peers (first run only)..."
		if npm install --prefix "$PEERS" --no-audit --no-fund --loglevel=error dbmate \
			>"$WORK/npm.log" 2>&1 && [ -x "$PEERS/node_modules/.bin/dbmate" ]; then
			DBMATE=$PEERS/node_modules/.bin/dbmate
		else
			UNAVAIL[dbmate]="not available: npm install dbmate failed: $(grep -m1 -i err "$WORK/npm.log" | cut -c1-80)"
		fi
	fi
	if [ -n "$DBMATE" ] && ! "$DBMATE" --version >/dev/null 2>&1; then
		UNAVAIL[dbmate]="not available: $DBMATE does not run"
	fi
}
