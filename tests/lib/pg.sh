# A throw-away PostgreSQL server for the pg suites, sourced by tests/run.sh.
#
#   pg_start DIR   creates a fresh cluster in DIR (which must be new or empty)
#                  and starts a server that listens only on a unix socket in
#                  DIR.  Exports PGHOST_DIR, PGPORT_NUM, PGUSER_NAME and
#                  PG_ADMIN_URL.  Returns 1, after printing the server log,
#                  when the server does not come up; no server is left running.
#   pg_stop        stops that server.  Safe to call again, or without a start.
#
# initdb and postgres refuse to run as root, so as root the cluster belongs
# to `nobody`.  Every role is trusted except `strata_password` (see below).
# The settings trade durability for speed: never reuse them for a benchmark.

# The port only names the socket file (nothing listens on TCP), so a fixed
# one cannot collide with a real server as long as DIR is ours.
PG_TEST_PORT=54393

_pg_bindir() {
	local d
	d=$(pg_config --bindir 2>/dev/null)
	if [ -n "$d" ] && [ -x "$d/initdb" ]; then
		printf '%s\n' "$d"
		return 0
	fi
	# Debian's pg_config (libpq-dev) points at /usr/bin, which holds only
	# the client wrappers: take the newest server install instead.
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	if [ -n "$d" ] && [ -x "$d/initdb" ]; then
		printf '%s\n' "$d"
		return 0
	fi
	echo "pg_start: no PostgreSQL server binaries (initdb) found" >&2
	return 1
}

# Runs a command as the cluster's owner, from DIR, because the caller's
# working directory may be unreadable to that user.
_pg_as() {
	if [ "$(id -u)" -eq 0 ]; then
		(cd "$_PG_DIR" && runuser -u nobody -- "$@")
	else
		(cd "$_PG_DIR" && "$@")
	fi
}

# As root, `nobody` must be able to reach DIR: grant search (not read)
# permission on the ancestors that deny it, e.g. a mktemp -d directory.
_pg_reach() {
	local p=$1
	while [ "$p" != / ] && [ -n "$p" ]; do
		p=$(dirname "$p")
		runuser -u nobody -- test -x "$p" 2>/dev/null || chmod o+x "$p" ||
			return 1
	done
}

_pg_log() {
	echo "---- PostgreSQL log ($1) ----" >&2
	cat "$1" >&2 2>/dev/null
	echo "---- end of log ----" >&2
}

pg_start() {
	local dir=${1:?usage: pg_start DIR} bin i sock qdir locale
	bin=$(_pg_bindir) || return 1
	mkdir -p "$dir" || return 1
	dir=$(cd "$dir" && pwd) || return 1
	if [ -n "$(ls -A "$dir")" ]; then
		echo "pg_start: '$dir' is not empty" >&2
		return 1
	fi
	# sun_path holds 108 bytes including the NUL
	sock="$dir/.s.PGSQL.$PG_TEST_PORT"
	if [ ${#sock} -gt 107 ]; then
		echo "pg_start: socket path '$sock' is too long for a unix socket" >&2
		return 1
	fi
	_PG_DIR=$dir
	_PG_BIN=$bin
	if [ "$(id -u)" -eq 0 ]; then
		chown nobody: "$dir" && _pg_reach "$dir" || return 1
	fi

	# C.UTF-8 classifies non-ASCII letters; plain C is the fallback where
	# the C library lacks it (the encoding is UTF8 either way)
	locale=C
	locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$' && locale=C.UTF-8
	if ! _pg_as "$bin/initdb" -D "$dir/data" -U postgres --auth=trust \
		-E UTF8 --locale="$locale" >"$dir/initdb.log" 2>&1; then
		echo "pg_start: initdb failed" >&2
		_pg_log "$dir/initdb.log"
		return 1
	fi
	# a single quote doubles inside a configuration string
	qdir=${dir//\'/\'\'}
	cat >>"$dir/data/postgresql.conf" <<-EOF

		# tests/lib/pg.sh: unix socket only, fast and not durable
		listen_addresses = ''
		port = $PG_TEST_PORT
		unix_socket_directories = '$qdir'
		fsync = off
		full_page_writes = off
		synchronous_commit = off
		max_connections = 50
	EOF

	# Everyone is trusted, except a role named strata_password (created by
	# the tests that need it): it must give its password, so that tests
	# can check that a rejected password never shows in a message.
	{
		echo 'local all strata_password scram-sha-256'
		cat "$dir/data/pg_hba.conf"
	} >"$dir/pg_hba.conf.new" &&
		cat "$dir/pg_hba.conf.new" >"$dir/data/pg_hba.conf" &&
		rm -f "$dir/pg_hba.conf.new" || return 1

	if ! _pg_as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
		start >"$dir/pg_ctl.log" 2>&1; then
		echo "pg_start: the server did not start" >&2
		cat "$dir/pg_ctl.log" >&2
		_pg_log "$dir/server.log"
		pg_stop
		return 1
	fi
	for i in $(seq 300); do
		"$bin/pg_isready" -q -h "$dir" -p "$PG_TEST_PORT" -U postgres && break
		sleep 0.1
	done
	if ! "$bin/pg_isready" -q -h "$dir" -p "$PG_TEST_PORT" -U postgres; then
		echo "pg_start: the server does not accept connections" >&2
		_pg_log "$dir/server.log"
		pg_stop
		return 1
	fi

	export PGHOST_DIR=$dir PGPORT_NUM=$PG_TEST_PORT PGUSER_NAME=postgres
	export PG_ADMIN_URL="postgresql:///postgres?host=$PGHOST_DIR&port=$PGPORT_NUM&user=$PGUSER_NAME"
	return 0
}

pg_stop() {
	local pid i
	[ -n "${_PG_DIR:-}" ] && [ -f "$_PG_DIR/data/postmaster.pid" ] || return 0
	pid=$(head -n 1 "$_PG_DIR/data/postmaster.pid")
	_pg_as "$_PG_BIN/pg_ctl" -D "$_PG_DIR/data" -m fast -w -t 30 stop \
		>/dev/null 2>&1 ||
		_pg_as "$_PG_BIN/pg_ctl" -D "$_PG_DIR/data" -m immediate -w \
			-t 10 stop >/dev/null 2>&1
	# pg_ctl trusts the pid file; make sure the postmaster is really gone
	# before the caller deletes its directory.
	for i in $(seq 100); do
		[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break
		[ "$i" -eq 50 ] && kill -KILL "$pid" 2>/dev/null
		sleep 0.1
	done
	rm -f "$_PG_DIR/data/postmaster.pid"
	return 0
}
