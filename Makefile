# sandboxd: local development and CI entry points. `make help` lists the targets.
#
# `make run` / `make test` bring up the project's own local stack first (scripts/stack.sh up:
# Postgres :5433, Redis :6380, Docker engine on /run/sandboxd/docker.sock, registry :5000, base
# images; for `make test` also two more engines, node-b and node-c); a second run reuses it and
# takes seconds. Set SANDBOXD_DATABASE_URL, SANDBOXD_REDIS_URL, SANDBOXD_DOCKER_HOST or
# SANDBOXD_REGISTRY to use existing services instead.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.NOTPARALLEL:
# rustup's cargo, also for shells (CI) that did not source ~/.cargo/env.
export PATH := $(HOME)/.cargo/bin:$(PATH)

STACK_ENV := .sandboxd/stack.env
# With CI=true: report every failing test, not just the first.
TEST_FLAGS := $(if $(CI),--no-fail-fast)
# Extra arguments for the test runner, e.g. `make test TEST_ARGS=health` to filter.
TEST_ARGS ?=
# Generated requests per API operation in `make fuzz` (`make test` runs a short pass of 12).
FUZZ_EXAMPLES ?= 150

.PHONY: help stack stack-down stack-status web build run test lint cargo bench-provision bench-terminal bench fuzz load

help: ## list the targets
	@awk 'BEGIN { FS = ":.*## " } /^[a-z-]+:.*## / { printf "  make %-13s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

stack: ## start (or reuse) the local stack, write .sandboxd/stack.env
	@scripts/stack.sh up

stack-down: ## stop the local stack's daemons (data is kept)
	@scripts/stack.sh down

stack-status: ## show the local stack's daemons
	@scripts/stack.sh status

web: ## install the web UI's npm packages (xterm.js)
	@scripts/web.sh

cargo:
	@command -v cargo >/dev/null || { echo '!!! step "cargo" FAILED: cargo not found; install a Rust toolchain (rustup)' >&2; exit 1; }

build: cargo ## cargo build --release
	@echo "==> build: cargo build --release ..."
	@cargo build --release || { echo '!!! step "build" FAILED' >&2; exit 1; }

run: cargo stack web build ## stack + release build, then run `sandboxd serve` against the stack
	@echo "==> run: target/release/sandboxd serve ..."
	@. $(STACK_ENV) && exec ./target/release/sandboxd serve

# The tests need only these role images; `make run` builds all six. They also get two more
# Docker engines, node-b and node-c, for the multi-node tests (`make run` has one engine).
test: cargo ## stack, then the whole test suite (cargo nextest if installed, else cargo test)
	@SANDBOXD_ROLES="barebone python" SANDBOXD_EXTRA_NODES=2 scripts/stack.sh up
	@scripts/test-tools.sh
	@scripts/clean-test-leftovers.sh
	@scripts/disk-room.sh
	@. $(STACK_ENV); \
	if command -v cargo-nextest >/dev/null; then \
	  echo "==> test: cargo nextest run --all-targets $(TEST_FLAGS) $(TEST_ARGS) ..."; \
	  cargo nextest run --all-targets $(TEST_FLAGS) $(TEST_ARGS); \
	else \
	  echo "==> test: cargo test --all-targets $(TEST_FLAGS) $(TEST_ARGS) ..."; \
	  cargo test --all-targets $(TEST_FLAGS) $(TEST_ARGS); \
	fi || { echo '!!! step "test" FAILED' >&2; exit 1; }
	@# Engine restarts stop every container on the engine: they run alone, one at a time,
	@# after everything else (--no-capture runs them one by one), and print their figures.
	@. $(STACK_ENV); \
	if command -v cargo-nextest >/dev/null; then \
	  echo "==> test: faults, alone: cargo nextest run --test faults --run-ignored only ..."; \
	  cargo nextest run --test faults --run-ignored only --no-capture --no-tests=pass $(TEST_FLAGS) $(TEST_ARGS); \
	else \
	  echo "==> test: faults, alone: cargo test --test faults -- --ignored ..."; \
	  cargo test --test faults $(TEST_FLAGS) -- --ignored --test-threads=1 --nocapture $(TEST_ARGS); \
	fi || { echo '!!! step "test: faults" FAILED' >&2; exit 1; }
	@# A database per test adds up to gigabytes: give the room back once they all passed.
	@scripts/clean-test-leftovers.sh

bench-provision: cargo ## POST -> ready against `docker run -d`, p50/p95 side by side
	@SANDBOXD_ROLES="barebone" scripts/stack.sh up
	@echo "==> bench-provision: cargo bench --bench provision ..."
	@. $(STACK_ENV) && cargo bench --bench provision

bench-terminal: cargo ## keystroke echo, cat throughput, idle memory: terminal against raw exec
	@SANDBOXD_ROLES="barebone" scripts/stack.sh up
	@echo "==> bench-terminal: cargo bench --bench terminal ..."
	@. $(STACK_ENV) && cargo bench --bench terminal

bench-clients: cargo ## keystroke echo: sandboxd shell and ssh against raw exec
	@SANDBOXD_ROLES="barebone" scripts/stack.sh up
	@scripts/client-tools.sh
	@echo "==> bench-clients: cargo bench --bench clients ..."
	@. $(STACK_ENV) && cargo bench --bench clients

fuzz: cargo ## schemathesis against the whole API: 150 examples per operation, >= 5000 requests
	@SANDBOXD_ROLES="barebone" scripts/stack.sh up
	@scripts/fuzz-tools.sh
	@echo "==> fuzz: schemathesis, FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) ..."
	@. $(STACK_ENV) && FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_MIN_REQUESTS=5000 \
	  cargo nextest run --test api --no-capture -E 'test(/fuzz_schema/)' || { echo '!!! step "fuzz" FAILED' >&2; exit 1; }

# Each benchmark leaves its figures in target/bench/; the report turns them into
# BENCHMARKS.md and docs/benchmarks.png. A failed benchmark is reported as such, and fails
# the target after the report is written.
# Those that hardly touch the engine first: a slow engine then delays only the rest.
BENCHES := footprint fanout fleet placement provision pause pool terminal clients preview fork

bench: cargo ## every benchmark against its baseline, then BENCHMARKS.md and its chart
	@SANDBOXD_ROLES="barebone python" scripts/stack.sh up
	@scripts/client-tools.sh
	@rm -rf "$${CARGO_TARGET_DIR:-target}/bench"
	@echo "==> bench: cargo bench --no-run ..."
	@cargo bench --no-run $(foreach name,$(BENCHES) report,--bench $(name))
	@. $(STACK_ENV); failed=""; started=$$SECONDS; \
	for name in $(BENCHES); do \
	  echo "==> bench: cargo bench --bench $$name ..."; \
	  cargo bench --bench $$name || failed="$$failed $$name"; \
	done; \
	echo "==> bench: the benchmarks took $$((SECONDS - started)) s"; \
	echo "==> bench: cargo bench --bench report ..."; \
	cargo bench --bench report; \
	if [ -n "$$failed" ]; then echo "!!! step \"bench\" FAILED:$$failed" >&2; exit 1; fi

load: cargo ## 200 simulated users create, use and delete environments for 2 minutes (not in CI)
	@SANDBOXD_ROLES="barebone" scripts/stack.sh up
	@echo "==> load: cargo bench --bench load ..."
	@. $(STACK_ENV) && cargo bench --bench load || { echo '!!! step "load" FAILED' >&2; exit 1; }

lint: cargo ## cargo fmt --check and clippy with warnings as errors
	@echo "==> lint: cargo fmt --check ..."
	@cargo fmt --all -- --check || { echo '!!! step "lint: cargo fmt" FAILED' >&2; exit 1; }
	@echo "==> lint: cargo clippy --all-targets -- -D warnings ..."
	@cargo clippy --all-targets -- -D warnings || { echo '!!! step "lint: clippy" FAILED' >&2; exit 1; }
