.PHONY: test lint bench build

test:
	go vet ./... && go test -timeout 30m ./... && go test -race -short -timeout 30m ./calendar/... ./cmd/... ./demo/... ./files/... ./geo/... ./jobs/... ./loadgen/... ./mqtt/... ./store/...

lint:
	go vet ./...
	@test -z "$$(gofmt -l .)" || (gofmt -l . && echo "gofmt: the files above need formatting" && exit 1)
	go test -run TestDependenciesPointInwards .

bench:
	go test -run '^$$' -bench 'Intake|RawInsert|CreateCase' -benchtime 2s -count 3 ./api/ ./store/

build:
	go build -o pingan ./cmd/pingan
