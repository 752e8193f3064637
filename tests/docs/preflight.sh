#!/usr/bin/env bash
# The fresh-machine promise of `make test`: it needs a Rust toolchain and
# CPython 3.11 ($PYTHON), and installs the rest itself. This adds what it can
# (rustup components) and names every system package that is missing, with
# the command that installs it, before anything is built.
set -uo pipefail

PYTHON=${PYTHON:-python3.11}
missing=()   # "what — how to install it"

have() { command -v "$1" >/dev/null 2>&1; }

if ! have cargo || ! have rustc; then
    missing+=("a Rust toolchain (cargo, rustc) — https://rustup.rs: curl ... | sh, then restart the shell")
else
    for component in rustfmt clippy; do
        probe=fmt; [ "$component" = clippy ] && probe=clippy
        if ! cargo "$probe" --version >/dev/null 2>&1; then
            if have rustup; then
                echo "preflight: adding the rustup component $component"
                rustup component add "$component" || missing+=("the rustup component $component — rustup component add $component")
            else
                missing+=("cargo $probe ($component) — install the toolchain with rustup, or your distribution's $component package")
            fi
        fi
    done
fi

if ! have "$PYTHON"; then
    missing+=("$PYTHON — apt-get install python3.11 (or pyenv install 3.11; or set PYTHON=...)")
elif ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    missing+=("the venv module of $PYTHON — apt-get install python3.11-venv")
fi

# cargo links with the system C compiler; the doc blocks and tests use git and curl.
have cc || have gcc || have clang || missing+=("a C compiler and linker (cc) — apt-get install build-essential")
have git || missing+=("git — apt-get install git")
have curl || missing+=("curl — apt-get install curl")
# The Spark tests and notebook run pyspark in local mode, which needs Java 17 or later.
if ! have java; then
    missing+=("Java 17 or later (for Spark in local mode) — apt-get install openjdk-17-jre-headless")
else
    java_major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
    if [ -z "$java_major" ] || [ "$java_major" -lt 17 ]; then
        missing+=("Java 17 or later for Spark (found ${java_major:-an unknown version}) — apt-get install openjdk-17-jre-headless")
    fi
fi

if [ ${#missing[@]} -gt 0 ]; then
    echo "preflight: make test cannot run on this machine; missing:" >&2
    for item in "${missing[@]}"; do echo "  - $item" >&2; done
    exit 1
fi
echo "preflight: the Rust toolchain (with rustfmt and clippy), $PYTHON with venv, cc, git, curl and Java $java_major are here"
