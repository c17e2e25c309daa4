# strata: `make` builds the tool and the library, `make check` runs every test
# suite, `make demo` runs the example project on SQLite.  See README.md.

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
ifdef SANITIZE
BUILD   ?= build-san
else
BUILD   ?= build
endif

PKGS    := sqlite3 libpq jansson libcrypto inih libmariadb
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
           -Wall -Wextra -Werror -Iinclude \
           $(shell pkg-config --cflags $(PKGS) libprotobuf-c 2>/dev/null)
# libpg_query ships no pkg-config file (see ../shared/notes/libpg_query.md)
LIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpg_query -lpthread

ifdef SANITIZE
CFLAGS  += -fsanitize=address,undefined -fno-sanitize-recover=all \
           -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

LIB_SRC := $(sort $(wildcard lib/*.c lib/drivers/*.c lib/lint/*.c))
CLI_SRC := $(sort $(wildcard src/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# checks that need a live server: built here, run by the pg and mysql suites
PGCHECK_SRC := $(sort $(wildcard tests/unit/pg_*_check.c tests/unit/mysql_*_check.c))
UNIT_BIN += $(PGCHECK_SRC:tests/unit/%.c=$(BUILD)/tests/%)

# the CLI sees only include/ (what any embedding program sees); the library
# and the unit tests also see lib/'s private headers
$(LIB_OBJ) $(UNIT_BIN): CFLAGS += -Ilib

.PHONY: all check demo deps install clean unit format

all: $(BUILD)/strata $(BUILD)/libstrata.a $(BUILD)/libstrata.so

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -fPIC -MMD -MP -c $< -o $@

$(BUILD)/libstrata.a: $(LIB_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $^

$(BUILD)/libstrata.so: $(LIB_OBJ)
	@echo "  LD      $@"
	@$(CC) -shared -o $@ $^ $(LDFLAGS) $(LIBS)

$(BUILD)/strata: $(CLI_OBJ) $(BUILD)/libstrata.a
	@echo "  LD      $@"
	@$(CC) -o $@ $(CLI_OBJ) $(BUILD)/libstrata.a $(LDFLAGS) $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libstrata.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libstrata.a $(LDFLAGS) $(LIBS) \
	    $(shell pkg-config --libs cmocka)

unit: $(UNIT_BIN)

deps:
	@sh scripts/deps.sh

check: deps
	@$(MAKE) --no-print-directory all unit
	@bash tests/run.sh $(BUILD)

demo: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh $(BUILD)/strata

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
	    $(DESTDIR)$(PREFIX)/include/strata
	install -m 755 $(BUILD)/strata $(DESTDIR)$(PREFIX)/bin/strata
	install -m 644 $(BUILD)/libstrata.a $(DESTDIR)$(PREFIX)/lib/libstrata.a
	install -m 755 $(BUILD)/libstrata.so $(DESTDIR)$(PREFIX)/lib/libstrata.so
	install -m 644 include/strata.h $(DESTDIR)$(PREFIX)/include/strata.h
	install -m 644 include/strata/*.h $(DESTDIR)$(PREFIX)/include/strata/

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(UNIT_SRC) include/*.h include/strata/*.h lib/*.h lib/lint/*.h

clean:
	rm -rf $(BUILD)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
