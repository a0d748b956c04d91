# The two commands of the README, plus conveniences. Each installs what is missing first.
.PHONY: run test bench demo build install clean
PREFIX ?= /usr/local

run:      ## install what is missing, build, run the node against LM_STUDIO_URL (default http://localhost:1234)
	@bash scripts/run.sh

test:     ## install what is missing, build, run all tests (plain, sanitizers, fuzzers)
	@bash scripts/test.sh

bench:    ## install what is missing, build, run the benchmarks and print their figures
	@bash scripts/bench.sh

demo:     ## the whole path without LM Studio: emulator + node + a streamed chat through lmsc
	@bash scripts/demo.sh

build:
	@bash scripts/setup.sh && cmake -S . -B build -G Ninja >/dev/null && cmake --build build

install: build  ## build, then install the executables, launch files and params.yaml under PREFIX (default /usr/local)
	cmake --install build --prefix "$(PREFIX)"

clean:
	rm -rf build build-asan build-fuzz
