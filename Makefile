# posdoctor: make run (the console on the built-in simulator), make test.
GO       ?= go
PKGS     ?= ./...
FUZZTIME ?= 10s
BIN      ?= bin/posdoctor

# The -ldflags stamp --version prints (internal/buildinfo): the tag when the
# commit has one, else dev; the commit; the build time (UTC).
VERSION  ?= $(shell git describe --tags --dirty 2>/dev/null || echo dev)
REVISION ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
DATE     ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
BUILDINFO = github.com/posdoctor/posdoctor/internal/buildinfo
LDFLAGS  ?= -X $(BUILDINFO).version=$(VERSION) -X $(BUILDINFO).revision=$(REVISION) -X $(BUILDINFO).date=$(DATE)
DIST_PLATFORMS ?= linux/amd64 linux/arm64 windows/amd64 windows/arm64 darwin/amd64 darwin/arm64

.PHONY: run build dist test test-short bench bench-decode fuzz golden vet fmt cross ci

run: build
	./$(BIN) $(ARGS)

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/posdoctor

# Release binaries for every platform in DIST_PLATFORMS (static, -trimpath)
# with SHA256SUMS, in dist/. Not part of CI.
dist:
	rm -rf dist && mkdir -p dist
	set -e; for p in $(DIST_PLATFORMS); do os=$${p%/*}; arch=$${p#*/}; ext=; \
	  if [ $$os = windows ]; then ext=.exe; fi; \
	  echo "dist/posdoctor-$(VERSION)-$$os-$$arch$$ext"; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags '-s -w $(LDFLAGS)' \
	    -o dist/posdoctor-$(VERSION)-$$os-$$arch$$ext ./cmd/posdoctor; done
	cd dist && if command -v sha256sum >/dev/null; then sha256sum posdoctor-* > SHA256SUMS; \
	  else shasum -a 256 posdoctor-* > SHA256SUMS; fi
	cat dist/SHA256SUMS

test:
	$(GO) test -count=1 -timeout 12m $(PKGS)

test-short:
	$(GO) test -short $(PKGS)

bench:
	$(GO) test -run '^$$' -bench . -benchmem -timeout 20m $(PKGS)

# Just decode's figures (part of make bench): the codec's MB/s on the real
# 4 KB Print Text-Block (decode, explain, hex in and out, the PAN scrubber),
# and `posdoctor decode [--json]` of 1,000 of them
# (8 MB of hex) as a whole process.
bench-decode:
	$(GO) test -run '^$$' -bench 'SystemConfig|PrintTextBlock4K' -benchmem ./terminal/zvt
	$(GO) test -run '^$$' -bench 'ScrubReceipt' -benchmem ./terminal
	$(GO) test -run '^$$' -bench 'DecodeProcess' -benchtime 20x ./cmd/posdoctor

# Each fuzz target for FUZZTIME (go test runs one -fuzz target at a time).
fuzz:
	./.ci/fuzz $(FUZZTIME)

golden:
	POSDOCTOR_UPDATE=1 $(GO) test -count=1 $(PKGS)

vet:
	$(GO) vet $(PKGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

cross:
	GOOS=windows GOARCH=amd64 $(GO) build -o /dev/null ./...
	GOOS=darwin GOARCH=arm64 $(GO) build -o /dev/null ./...

ci:
	bash .ci/run
