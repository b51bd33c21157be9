# posdoctor: make run (the console on the built-in simulator), make test.
GO       ?= go
PKGS     ?= ./...
FUZZTIME ?= 10s
BIN      ?= bin/posdoctor

.PHONY: run build test test-short bench fuzz golden vet fmt cross ci

run: build
	./$(BIN) $(ARGS)

build:
	$(GO) build -o $(BIN) ./cmd/posdoctor

test:
	$(GO) test -count=1 -timeout 12m $(PKGS)

test-short:
	$(GO) test -short $(PKGS)

bench:
	$(GO) test -run '^$$' -bench . -benchmem -timeout 20m $(PKGS)

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
