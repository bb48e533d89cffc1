# The two commands: `make demo` and `make test`. Both bootstrap .venv on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The demo run: M2's estimate of the creators on the platform (about 50,000) for a year.
# Measured on a 2-core machine: 25 s in all when idle, 44 s with other work running.
DEMO_SIZE := --creators 50000 --days 365

.PHONY: demo score-demo test lint bench clean install calibrate validate

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/creatorsim run scenarios/reported_2022.toml --seed 1 --out out/demo $(DEMO_SIZE)
	@echo "The report, with its figures: out/demo/report.md (tables: out/demo/*.parquet)"

score-demo: $(STAMP)
	$(BIN)/creatorsim score examples/creators_month --scenario scenarios/reported_2022.toml --day 29 --window week --top 5

test: $(STAMP)
	$(BIN)/ruff check scoring sim tests benchmarks
	$(BIN)/python -m pytest -q

# Fit the feed's position bias and social proof on MusicLab experiment 2 and print the fit
# (docs/validation.md); about 20 s. `make validate` replays experiment 2 with the defaults.
calibrate: $(STAMP)
	$(BIN)/creatorsim validate musiclab examples/validation/musiclab_exp2.json --calibrate

validate: $(STAMP)
	$(BIN)/creatorsim validate musiclab examples/validation/musiclab_exp2.json --display sorted --worlds 8 --seed 0

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_scoring.py --category-order sorted --malloc-tuned
	$(BIN)/python benchmarks/bench_model.py
	$(BIN)/python benchmarks/bench_executors.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
