# briefconv — build handouts from source/ into build/, and test everything.
#   make handouts   set up .venv if needed, then build every article (.txt, .md) and the sample pack
#   make test       set up .venv with test tools (and DAISY Ace, where npm is), then lint,
#                   type-check and run the suite
#   make ace        install DAISY Ace, the EPUB accessibility checker, into .venv/ace (npm)
#   make man        manual pages from the command line's help into build/man (man -l build/man/briefconv.1)
#   make bench      benchmark against pandoc + Typst; writes bench/RESULTS.md (~10 minutes)
#   make clean      remove build output (make distclean also removes .venv)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STYLE  ?= default
STYLE_FILE := styles/$(STYLE).toml
# A STYLE with no file would otherwise end in make's "No rule to make target" message.
ifneq ($(filter handouts all,$(or $(MAKECMDGOALS),all)),)
ifeq ($(wildcard $(STYLE_FILE)),)
$(error STYLE=$(STYLE): there is no $(STYLE_FILE); styles here: $(basename $(notdir $(wildcard styles/*.toml))))
endif
endif
FORMATS := docx pdf epub

# File names make cannot take as targets or prerequisites: it splits names at spaces, and
# reads : ; | % specially and \ * ? [ as escapes or wildcards. Such files are left out here and
# check-sources stops the build naming them. (Characters special to the shell alone are fine:
# the recipes quote names.)
SPACED    := -name '*[[:space:]]*'
SPECIAL   := -name '*[;%*?:|[]*' -o -name '*\\*'
in_source  = $(shell find source -maxdepth 1 ! -type d ! -name '.*' \( $(1) \) \
                 ! \( $(SPACED) -o $(SPECIAL) \) 2>/dev/null | LC_ALL=C sort)
SOURCES  := $(call in_source,-name '*.txt' -o -name '*.md')
# Markdown articles may show images kept beside them in source/.
IMAGES   := $(call in_source,-name '*.png' -o -name '*.jpg')
outputs   = $(foreach f,$(FORMATS),build/$(basename $(notdir $(1))).$(f))
# sort: colliding stems (source/a.txt, source/a.md) give each output once; check-sources
# reports them.
HANDOUTS := $(sort $(foreach s,$(SOURCES),$(call outputs,$(s))))
# The sample briefing pack bundles articles listed in source/pack.toml.
PACKS    := $(if $(wildcard source/pack.toml),$(foreach f,$(FORMATS),build/briefing-pack.$(f)))
# A change to briefconv itself (code, fonts, packaging) changes handouts too.
PKG_FILES := pyproject.toml $(shell find src/briefconv -name '*.py' -o -name '*.ttf' 2>/dev/null)
# Every handout depends on these besides its article: the style file, which style it is
# (build/.style-stamp) and briefconv itself.
SHARED   := $(STYLE_FILE) build/.style-stamp $(PKG_FILES) $(VENV)/.stamp-install
# source/a.txt and source/a.md would both be written as build/a.*, and an article called
# briefing-pack over the sample pack: check-sources names them.
COLLISIONS := $(strip $(foreach s,$(filter %.md,$(SOURCES)),$(if $(filter $(s:.md=.txt),$(SOURCES)),$(s))))
PACK_CLASH := $(if $(PACKS),$(filter source/briefing-pack.txt source/briefing-pack.md,$(SOURCES)))
# Articles with an output missing (deleted, or a new article copied in with an old date):
# the stamp's date cannot show those, so they are found here and force a build.
MISSING  := $(strip $(foreach s,$(SOURCES),$(if $(filter-out $(wildcard $(call outputs,$(s))),$(call outputs,$(s))),$(s))))

.PHONY: all handouts check-sources man test ace lint typecheck clean distclean previews bench bench-profile FORCE
.DELETE_ON_ERROR:

all: handouts

# check-sources comes first, so that a name make cannot handle stops the build before any
# article is converted (and, on a fresh machine, before the venv is set up).
handouts: check-sources build/.handouts-stamp $(PACKS)

# The venv is rebuilt only when pyproject.toml changes; stamps live inside .venv.
$(VENV)/.stamp-install: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.stamp-test: $(VENV)/.stamp-install
	$(BIN)/python -m pip install --quiet -e '.[test,examples]'
	@touch $@

# DAISY Ace, the EPUB accessibility checker that tests/test_ace.py runs: a Node.js program
# driving a headless Chromium. npm installs the pinned version into the venv (make distclean
# removes it; a new version replaces the old); make test does so wherever npm is. The test
# finds it beside the Python that runs it, and skips, saying why, where Node.js, Chromium or
# Ace is missing. --ignore-scripts skips the Chrome that puppeteer would download and the
# Electron that Ace's app would: the test drives the system's chromium
# (PUPPETEER_EXECUTABLE_PATH).
ACE_VERSION := 1.4.6
ACE_STAMP   := $(VENV)/.stamp-ace-$(ACE_VERSION)
HAVE_NPM    := $(shell command -v npm 2>/dev/null)

ace: $(ACE_STAMP)

$(ACE_STAMP): | $(VENV)/.stamp-install
	@command -v npm >/dev/null 2>&1 || { \
	  echo "make ace needs npm and Node.js 20 or newer (Debian: apt-get install nodejs npm chromium)"; \
	  exit 1; }
	rm -rf $(VENV)/ace $(VENV)/.stamp-ace-*
	mkdir -p $(VENV)/ace
	npm install --prefix $(VENV)/ace --ignore-scripts --save-exact --no-audit --no-fund \
	  --loglevel=error @daisy/ace-cli@$(ACE_VERSION)
	@touch $@

$(VENV)/.stamp-bench: $(VENV)/.stamp-install
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	@touch $@

# Names make cannot take as targets, and two articles that would overwrite each other's
# handouts, stop the build with one message each instead of a confusing failure per article.
check-sources:
	@$(call unsupported,$(SPACED),file names with spaces are not supported by the Makefile)
	@$(call unsupported,$(SPECIAL),file names with any of : ; | % \ * ? [ are not supported by the Makefile)
	@$(if $(COLLISIONS)$(PACK_CLASH),$(foreach s,$(COLLISIONS),echo $(call quote,$(s:.md=.txt) and $(s) would both be written as build/$(basename $(notdir $(s))).*; rename one of them) >&2;) \
	  $(foreach s,$(PACK_CLASH),echo '$(s) would be written as build/briefing-pack.*, over the sample pack; rename it' >&2;) exit 1)

# Fails naming, in one line, the files in source/ that make would read wrongly: $(1) is find's
# test for them, $(2) what is wrong.
unsupported = bad=$$(find source -maxdepth 1 ! -type d ! -name '.*' \( -name '*.txt' -o -name '*.md' -o -name '*.png' -o -name '*.jpg' \) \
	      \( $(1) \) 2>/dev/null | LC_ALL=C sort | awk 'NR > 1 { printf ", " } { printf "%s", $$0 }'); \
	if [ -n "$$bad" ]; then \
	  case "$$bad" in *", "*) it=them ;; *) it=it ;; esac; \
	  printf '%s: %s; rename %s or run briefconv convert directly\n' "$$bad" '$(2)' "$$it" >&2; \
	  exit 1; \
	fi

# Words quoted for the shell, each on its own: names may hold $ ' & ( and the like.
quote = $(foreach w,$(1),'$(subst ','\'',$(w))')

# The style the handouts were built in. FORCE runs the comparison every time, but the file
# is rewritten only when STYLE names another style: its date then makes everything rebuild
# (`make handouts STYLE=newsroom` after a default build), and is left alone otherwise, so a
# second run in the same style rebuilds nothing.
build/.style-stamp: FORCE
	@mkdir -p build
	@test "$$(cat $@ 2>/dev/null)" = '$(STYLE_FILE)' || echo '$(STYLE_FILE)' > $@

FORCE:

# All articles are converted by one briefconv process, which spreads them over its own
# process pool (parsing, fonts and start-up paid once, not once per article). The stamp
# marks the last successful build; $? (what is newer than it) says which articles to convert:
# all of them if the style or briefconv changed, else the changed articles, the Markdown
# ones if an image changed, and any article with an output missing.
stale = $(if $(or $(filter-out $(SOURCES) $(IMAGES) FORCE,$?),$(if $(wildcard $@),,first-build)),$(SOURCES),$(sort $(filter $(SOURCES),$?) $(MISSING) $(if $(filter $(IMAGES),$?),$(filter %.md,$(SOURCES)))))

# The stamp takes the time the build started (build/.handouts-stamp.start), so an article
# saved during the build is newer than it and is converted next time. If briefconv fails,
# the stamp keeps its old date and the next run tries the same articles again (briefconv
# writes each article's formats as one set, so no handout is left half-written).
build/.handouts-stamp: $(SOURCES) $(IMAGES) $(SHARED) $(if $(MISSING),FORCE) | check-sources
	@mkdir -p build && touch $@.start
	$(if $(stale),$(BIN)/briefconv convert $(call quote,$(stale)) -o build --style $(STYLE_FILE) $(foreach f,$(FORMATS),-t $(f)))
	@mv $@.start $@

# Each handout is made by the stamp's one briefconv run (for `make build/talks.pdf`).
$(HANDOUTS): build/.handouts-stamp ;

build/briefing-pack.docx build/briefing-pack.pdf build/briefing-pack.epub &: source/pack.toml $(SOURCES) $(IMAGES) $(SHARED) | check-sources
	$(BIN)/briefconv pack source/pack.toml -o build/briefing-pack --style $(STYLE_FILE)

# Manual pages, one per command, from the command line's own click help (src/briefconv/_manpage.py).
# Built, not committed, like the handouts: they follow the code they describe.
man: $(VENV)/.stamp-install
	$(BIN)/python -m briefconv._manpage build/man

test: $(VENV)/.stamp-test $(if $(HAVE_NPM),$(ACE_STAMP))
	@command -v java >/dev/null 2>&1 || { \
	  echo "make test needs Java 11 or newer for EPUBCheck."; \
	  echo "Install it (Debian/Ubuntu: sudo apt-get install default-jre-headless) and run make test again."; \
	  exit 1; }
	$(if $(HAVE_NPM),,@echo "npm not found: DAISY Ace is not installed, so tests/test_ace.py is skipped (Debian: apt-get install nodejs npm chromium)")
	$(BIN)/ruff check src tests bench examples
	$(BIN)/ruff format --check src tests bench examples
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(VENV)/.stamp-test
	$(BIN)/ruff check src tests bench examples
	$(BIN)/ruff format --check src tests bench examples

typecheck: $(VENV)/.stamp-test
	$(BIN)/mypy

# Side by side with pandoc 3 + Typst on a generated corpus (bench/README.md).
bench: $(VENV)/.stamp-bench
	$(BIN)/python bench/run.py

# Where the time goes, per format and phase (pyinstrument): writes bench/PROFILE.md (~1 minute).
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
