# Stepgate. `make demo` to try it, `make test` to check it. Both install what is missing first.

SHELL := /bin/bash
SWIFT ?= swift
# Debian packages the build and the tests need; installed only when missing.
DEBS := pkg-config libssl-dev libsqlite3-dev libpq-dev postgresql libmicrohttpd-dev libargon2-dev libcurl4-openssl-dev \
        libmaxminddb-dev libqrencode-dev libyaml-dev python3-venv nginx openssl
# What `make bench` adds: the nginx baseline and the load generator.
BENCH_DEBS := wrk
APT_STAMP := .build/.debs-installed
# Inputs per fuzz target in `make test` (fixed seed, repeatable); `make fuzz` runs by time instead.
FUZZ_RUNS ?= 100000
FUZZ_SECONDS ?= 120
DEMO_DATA ?= data/demo
DEMO_LISTEN ?= 127.0.0.1:8080

.PHONY: deps build release test test-sanitize demo bench soak soak-kill fuzz format lint clean

$(APT_STAMP): Makefile
	@missing=""; for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@mkdir -p .build && touch $@

deps: $(APT_STAMP)

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# One build, then every Swift suite in one process (with a throwaway PostgreSQL server on
# loopback, so the store contract runs on SQLite and PostgreSQL), the command-line contract, the
# decision endpoint through real nginx (on SQLite, then on PostgreSQL), Authlib (an OpenID Connect client that is not ours) against a real
# server, e-mail through the outbox to a real SMTP server (aiosmtpd, STARTTLS), `stepgate probe`
# against the demo bank behind nginx and against a deliberately flawed provider (each planted
# flaw caught by name), the demo in headless Chromium, the bank's factors
# (security keys, passkeys, codes) in headless Chromium, and two nodes behind nginx on one
# PostgreSQL (races across nodes, a node killed, a database restart, key rotation).
test: deps lint
	$(SWIFT) build --build-tests
	scripts/with-postgres.sh $(SWIFT) test --skip-build
	tests/cli.sh .build/debug/stepgate
	tests/forward_auth.sh .build/debug/stepgate
	scripts/with-postgres.sh tests/forward_auth.sh --postgres .build/debug/stepgate
	tests/interop.sh .build/debug/stepgate
	tests/delivery.sh .build/debug/stepgate
	tests/probe.sh .build/debug/stepgate
	tests/probe_flawed.sh .build/debug/stepgate
	tests/browser.sh .build/debug/stepgate
	tests/factors.sh .build/debug/stepgate
	tests/cluster.sh .build/debug/stepgate
	scripts/fuzz.sh --runs $(FUZZ_RUNS)

# The Swift tests under AddressSanitizer (with LeakSanitizer), then under ThreadSanitizer: each
# its own debug build in its own scratch path (.build-asan, .build-tsan), run once with a
# throwaway PostgreSQL. Not part of `test`: two more full builds, about 8 minutes on 2 cores.
# Suppressions, each with its reason: scripts/sanitizers/.
SANITIZERS := scripts/sanitizers
test-sanitize: deps
	$(SWIFT) build --build-tests -c debug --sanitize=address --scratch-path $(CURDIR)/.build-asan
	SWIFT_BACKTRACE=enable=no \
	ASAN_OPTIONS=detect_leaks=1:check_initialization_order=1:detect_stack_use_after_return=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/$(SANITIZERS)/lsan.supp:print_suppressions=0 \
	  scripts/with-postgres.sh $(SWIFT) test --skip-build --scratch-path $(CURDIR)/.build-asan
	$(SWIFT) build --build-tests -c debug --sanitize=thread --scratch-path $(CURDIR)/.build-tsan
	SWIFT_BACKTRACE=enable=no \
	TSAN_OPTIONS=suppressions=$(CURDIR)/$(SANITIZERS)/tsan.supp:print_suppressions=0:second_deadlock_stack=1 \
	  scripts/with-postgres.sh $(SWIFT) test --skip-build --scratch-path $(CURDIR)/.build-tsan

demo: release
	@scripts/demo.sh "$(DEMO_DATA)" "$(DEMO_LISTEN)"

bench: release
	@for p in $(BENCH_DEBS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BENCH_DEBS) >/dev/null; break; }; done
	@scripts/bench.sh

# Not in CI (docs/benchmarks.md, "Soak and fault runs"): SOAK_SECONDS (600) at 70% of the measured
# maximum on one node; then the same on two PostgreSQL nodes with one killed every minute.
soak: release
	@for p in $(BENCH_DEBS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BENCH_DEBS) >/dev/null; break; }; done
	scripts/soak.sh

soak-kill: release
	@for p in $(BENCH_DEBS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BENCH_DEBS) >/dev/null; break; }; done
	scripts/soak.sh --kill-every 60

# Each parser of untrusted bytes under libFuzzer with AddressSanitizer, FUZZ_SECONDS each.
fuzz: deps
	scripts/fuzz.sh $(FUZZ_SECONDS)

format:
	$(SWIFT) format --in-place --recursive --configuration .swift-format Sources Tests Package.swift Fuzz/Package.swift Fuzz/Sources

# swift-format with the repository's configuration (120 columns, 4 spaces); a warning fails.
lint:
	$(SWIFT) format lint --strict --recursive --configuration .swift-format Sources Tests Package.swift Fuzz/Package.swift Fuzz/Sources

clean:
	rm -rf .build .build-asan .build-tsan
