# The two commands: `make demo` and `make test`. Both bootstrap .venv on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The demo run: M2's estimate of the creators on the platform (about 50,000) for a year, after
# the model's 540-day burn-in. Measured on the 2-core machine from a fresh clone of the
# calibrated model (a test suite running beside it): 2.5 minutes in all (burn-in 53 s, the
# reported year 93 s, then the report and figures).
DEMO_SIZE := --creators 50000 --days 365

.PHONY: demo score-demo test test-313 test-matrix docs-check lint bench clean install calibrate validate claims notebooks

# Every extra, so that the whole suite runs (experiments, notebooks, app, calibration, test).
EXTRAS := test,experiments,notebooks,app,calibration

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/creatorsim run reported_2022 --seed 1 --out out/demo $(DEMO_SIZE)
	@echo "The report, with its figures: out/demo/report.md (tables: out/demo/*.parquet)"

score-demo: $(STAMP)
	$(BIN)/creatorsim score examples/creators_month --scenario reported_2022 --day 29 --window week --top 5

test: $(STAMP)
	$(BIN)/ruff check scoring sim tests benchmarks docs notebooks noxfile.py setup.py
	$(BIN)/python -m pytest -q -n auto --dist loadfile

# The matrix: `make test` (Python 3.11, Mesa 3.3), then the suite on Python 3.13, where pip
# gives Mesa 3.5 (`make test-313`, through nox: noxfile.py, in .nox/). The 3.13 interpreter is
# pyenv's when pyenv has one, else python3.13 on PATH.
PY313 ?= $(shell pyenv prefix 3.13.0 2>/dev/null || pyenv prefix 3.13 2>/dev/null)
test-matrix: test test-313

test-313: $(STAMP)
	CREATORSIM_PY313="$(if $(PY313),$(PY313)/bin/python3,)" $(BIN)/nox -s tests-3.13

# Fit the feed's position bias and social proof on MusicLab experiment 2 and print the fit
# (docs/validation.md); about 30 s on an idle 2-core machine, a minute when it is shared. `make validate` replays experiment 2 with the defaults.
calibrate: $(STAMP)
	$(BIN)/creatorsim validate musiclab examples/validation/musiclab_exp2.json --calibrate

validate: $(STAMP)
	$(BIN)/creatorsim validate musiclab examples/validation/musiclab_exp2.json --display sorted --worlds 8 --seed 0

# Every number the README and docs quote from a model run is a generated block (docs/doc_numbers.py);
# this re-runs their commands and fails if a quoted number differs. `make test` checks the cheap
# blocks; this checks them all (a few minutes on 2 cores).
docs-check: $(STAMP)
	$(BIN)/python docs/doc_numbers.py --check --workers 2

# The claims table of docs/model.md, "what the model says, and under what": every headline effect
# under each learning rule and at the posterior's 5th/95th percentiles (sim/experiments/claims.py).
# 6 settings of 54 runs of 1,000 creators x 545 days (the time is in the session notes). The runs stay in
# out/claims, so an interrupted table resumes (delete it after changing the model). POSTERIOR:
# the calibration's summary (per key median, q05, q95); without it the table covers the rules only.
POSTERIOR ?= scenarios/targets/creator_economy.calibration.json
# The rules also run at the posterior's q05/q95 (gradient,imitation,exp3,none: the full cross,
# 12 settings, twice as long).
CLAIMS_AT_RULES ?= gradient
claims: $(STAMP)
	@test -f $(POSTERIOR) || echo "make claims: no $(POSTERIOR): the table covers the learning rules only"
	CREATORSIM_CLAIMS_OUT=out/claims CREATORSIM_CLAIMS_AT_RULES=$(CLAIMS_AT_RULES) $(if $(wildcard $(POSTERIOR)),CREATORSIM_CLAIMS_POSTERIOR=$(POSTERIOR),) \
		$(BIN)/python docs/doc_numbers.py --write claims --workers 2

# The notebooks (notebooks/*.py, jupytext percent format, paired with the .ipynb): each .ipynb
# is brought in line with its .py and re-executed in full size, in place, in notebooks/ (the
# committed outputs). The runtime each one states is measured in its own last cell.
NOTEBOOKS := validation_musiclab mechanics_step_by_step weights_visibility window_burnout fairness_exposure
notebooks: $(STAMP)
	@for nb in $(NOTEBOOKS); do \
		echo "notebooks/$$nb.ipynb (full size)"; \
		$(BIN)/jupytext --to ipynb --update notebooks/$$nb.py || exit 1; \
		CREATORSIM_SIZE=full $(BIN)/jupyter nbconvert --to notebook --execute \
			--inplace --ExecutePreprocessor.timeout=3600 notebooks/$$nb.ipynb || exit 1; \
	done

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_scoring.py --category-order sorted --malloc-tuned
	$(BIN)/python benchmarks/bench_model.py
	$(BIN)/python benchmarks/bench_executors.py

clean:
	rm -rf $(VENV) .nox .pytest_cache .ruff_cache build dist *.egg-info
