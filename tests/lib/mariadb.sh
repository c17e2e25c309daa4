# A throw-away MariaDB server for the mysql suite, sourced by tests/run.sh.
#
#   mariadb_start DIR  creates a fresh data directory in DIR (which must be
#                      new or empty) and starts a server that listens only
#                      on the unix socket DIR/mysqld.sock (no TCP).  Exports
#                      MYSQL_SOCKET and MYSQL_ADMIN_URL (root, no password).
#                      Returns 1, after printing the server log, when the
#                      server does not come up; no server is left running.
#   mariadb_stop       stops that server.  Safe to call again, or without a
#                      start.
#   mariadb_admin SQL  runs SQL as root (no database selected).
#
# mariadbd refuses to run as root, so as root the data directory belongs to
# `nobody`.  The settings trade durability for speed: never reuse them for
# a benchmark.  Text is utf8mb4, as on MySQL 8 and Debian's own MariaDB
# configuration (without a configuration file MariaDB says latin1).

_my_bin() {
	local b
	for b in "$@"; do
		command -v "$b" 2>/dev/null && return 0
		[ -x "/usr/sbin/$b" ] && { echo "/usr/sbin/$b"; return 0; }
	done
	echo "mariadb_start: none of $* found (Debian: apt-get install mariadb-server mariadb-client)" >&2
	return 1
}

# Runs a command as the server's owner, from DIR, because the caller's
# working directory may be unreadable to that user.
_my_as() {
	if [ "$(id -u)" -eq 0 ]; then
		(cd "$_MY_DIR" && runuser -u nobody -- "$@")
	else
		(cd "$_MY_DIR" && "$@")
	fi
}

# As root, `nobody` must be able to reach DIR: grant search (not read)
# permission on the ancestors that deny it, e.g. a mktemp -d directory.
_my_reach() {
	local p=$1
	while [ "$p" != / ] && [ -n "$p" ]; do
		p=$(dirname "$p")
		runuser -u nobody -- test -x "$p" 2>/dev/null || chmod o+x "$p" ||
			return 1
	done
}

_my_log() {
	echo "---- MariaDB log ($1) ----" >&2
	cat "$1" >&2 2>/dev/null
	echo "---- end of log ----" >&2
}

mariadb_admin() {
	"$_MY_CLIENT" --no-defaults --batch --skip-column-names \
		--socket="$MYSQL_SOCKET" -uroot -e "$1"
}

mariadb_start() {
	local dir=${1:?usage: mariadb_start DIR} server install i
	server=$(_my_bin mariadbd mysqld) || return 1
	install=$(_my_bin mariadb-install-db mysql_install_db) || return 1
	_MY_CLIENT=$(_my_bin mariadb mysql) || return 1
	mkdir -p "$dir" || return 1
	dir=$(cd "$dir" && pwd) || return 1
	if [ -n "$(ls -A "$dir")" ]; then
		echo "mariadb_start: '$dir' is not empty" >&2
		return 1
	fi
	# sun_path holds 108 bytes including the NUL
	if [ ${#dir} -gt 94 ]; then
		echo "mariadb_start: '$dir' is too long for a unix socket path" >&2
		return 1
	fi
	_MY_DIR=$dir
	if [ "$(id -u)" -eq 0 ]; then
		chown nobody: "$dir" && _my_reach "$dir" || return 1
	fi
	# small and not durable: the data dies with the test run
	_MY_OPTS="--datadir=$dir/data --socket=$dir/mysqld.sock
		--pid-file=$dir/mysqld.pid --log-error=$dir/server.log
		--tmpdir=$dir --skip-networking --skip-log-bin
		--innodb-buffer-pool-size=32M --innodb-log-file-size=16M
		--innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0
		--skip-performance-schema --max-connections=200
		--character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci"
	# shellcheck disable=SC2086
	if ! _my_as "$install" --no-defaults --auth-root-authentication-method=normal \
		--skip-test-db --skip-name-resolve $_MY_OPTS >"$dir/install.log" 2>&1; then
		echo "mariadb_start: mariadb-install-db failed" >&2
		_my_log "$dir/install.log"
		return 1
	fi
	# shellcheck disable=SC2086
	_my_as "$server" --no-defaults $_MY_OPTS >"$dir/mysqld.out" 2>&1 &
	_MY_PID=$!
	export MYSQL_SOCKET=$dir/mysqld.sock
	for i in $(seq 300); do
		mariadb_admin "SELECT 1" >/dev/null 2>&1 && break
		kill -0 "$_MY_PID" 2>/dev/null || break
		sleep 0.1
	done
	if ! mariadb_admin "SELECT 1" >/dev/null 2>&1; then
		echo "mariadb_start: the server does not accept connections" >&2
		cat "$dir/mysqld.out" >&2
		_my_log "$dir/server.log"
		mariadb_stop
		return 1
	fi
	export MYSQL_ADMIN_URL="mysql://root@localhost/mysql?socket=$MYSQL_SOCKET"
	return 0
}

mariadb_stop() {
	local pid i
	[ -n "${_MY_DIR:-}" ] || return 0
	pid=$(cat "$_MY_DIR/mysqld.pid" 2>/dev/null)
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null
		for i in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			[ "$i" -eq 80 ] && kill -KILL "$pid" 2>/dev/null
			sleep 0.1
		done
	fi
	[ -n "${_MY_PID:-}" ] && wait "$_MY_PID" 2>/dev/null
	rm -f "$_MY_DIR/mysqld.pid"
	_MY_PID=
	return 0
}
