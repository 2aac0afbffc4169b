# briefconv — build handouts from source/ into build/, and test everything.
#   make handouts   set up .venv if needed, then build every article (.txt, .md) and the sample pack
#   make test       set up .venv with test tools, then lint, type-check and run the suite
#   make bench      benchmark against pandoc + Typst; writes bench/RESULTS.md (~15 minutes)
#   make clean      remove build output (make distclean also removes .venv)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STYLE  ?= default
STYLE_FILE := styles/$(STYLE).toml
FORMATS := docx pdf epub

SOURCES  := $(wildcard source/*.txt source/*.md)
HANDOUTS := $(foreach s,$(SOURCES),$(foreach f,$(FORMATS),build/$(basename $(notdir $(s))).$(f)))
# The sample briefing pack bundles articles listed in source/pack.toml.
PACKS    := $(if $(wildcard source/pack.toml),$(foreach f,$(FORMATS),build/briefing-pack.$(f)))
# A change to briefconv itself (code, fonts, packaging) changes handouts too.
PKG_FILES := pyproject.toml $(shell find src/briefconv -name '*.py' -o -name '*.ttf' 2>/dev/null)

.PHONY: all handouts test lint typecheck clean distclean previews bench bench-profile
.DELETE_ON_ERROR:

all: handouts

handouts: $(HANDOUTS) $(PACKS)

# The venv is rebuilt only when pyproject.toml changes; stamps live inside .venv.
$(VENV)/.stamp-install: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.stamp-test: $(VENV)/.stamp-install
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

$(VENV)/.stamp-bench: $(VENV)/.stamp-install
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	@touch $@

# One rule makes all three formats of an article (grouped target: parse once, write three).
build/%.docx build/%.pdf build/%.epub &: source/%.txt $(STYLE_FILE) $(PKG_FILES) $(VENV)/.stamp-install
	$(BIN)/briefconv convert $< -o build --style $(STYLE_FILE) $(foreach f,$(FORMATS),-t $(f))

# Markdown articles may show images kept beside them in source/.
build/%.docx build/%.pdf build/%.epub &: source/%.md $(wildcard source/*.png source/*.jpg) $(STYLE_FILE) $(PKG_FILES) $(VENV)/.stamp-install
	$(BIN)/briefconv convert $< -o build --style $(STYLE_FILE) $(foreach f,$(FORMATS),-t $(f))

build/briefing-pack.docx build/briefing-pack.pdf build/briefing-pack.epub &: source/pack.toml $(SOURCES) $(STYLE_FILE) $(PKG_FILES) $(VENV)/.stamp-install
	$(BIN)/briefconv pack source/pack.toml -o build/briefing-pack --style $(STYLE_FILE)

test: $(VENV)/.stamp-test
	@command -v java >/dev/null 2>&1 || { \
	  echo "make test needs Java 11 or newer for EPUBCheck."; \
	  echo "Install it (Debian/Ubuntu: sudo apt-get install default-jre-headless) and run make test again."; \
	  exit 1; }
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(VENV)/.stamp-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(VENV)/.stamp-test
	$(BIN)/mypy

# Side by side with pandoc 3 + Typst on a generated corpus (bench/README.md).
bench: $(VENV)/.stamp-bench
	$(BIN)/python bench/run.py

# Where the time goes: pyinstrument profiles of the benchmark's workloads, in build/bench/.
bench-profile: $(VENV)/.stamp-bench
	$(BIN)/python bench/profile.py

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache

distclean: clean
	rm -rf $(VENV)

# PNG previews of page 1 of the sample in every bundled style, for styles/README.md.
BUNDLED_STYLES := $(basename $(notdir $(wildcard styles/*.toml)))
.PHONY: previews
previews: $(VENV)/.stamp-install
	@command -v pdftoppm >/dev/null 2>&1 || { echo "make previews needs pdftoppm (apt-get install poppler-utils)"; exit 1; }
	@mkdir -p styles/previews
	@for s in $(BUNDLED_STYLES); do \
	  $(BIN)/briefconv convert source/istanbul-talks.txt -t pdf --style $$s -o build/previews/$$s && \
	  pdftoppm -png -r 50 -f 1 -l 1 -singlefile build/previews/$$s/istanbul-talks.pdf styles/previews/$$s && \
	  echo "styles/previews/$$s.png"; \
	done
