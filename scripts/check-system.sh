#!/bin/sh
# Checks what mrplan needs from the machine itself: Python 3.11+ with venv, the Debian
# libraries WeasyPrint renders PDFs with and, for the test suite (CHECK_BROWSER=1), Debian's
# Chromium and Poppler for the tests. As root it installs missing Debian packages; otherwise
# it says exactly what to install.
set -u

fail() {
    printf '\nmrplan: %s\n\n' "$1" >&2
    exit 1
}

PYTHON=${PYTHON:-python3}
command -v "$PYTHON" >/dev/null 2>&1 || fail "Python 3.11 or newer is required (python3.11 or python3 not found). On Debian: apt-get install python3 python3-venv"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || fail "Python 3.11 or newer is required; $PYTHON is $("$PYTHON" --version 2>&1)."
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null \
    || fail "Python's venv module is missing. On Debian: apt-get install python3-venv"

# WeasyPrint (PDF reports) needs Pango and HarfBuzz's subsetter (fast font subsetting).
missing=""
if [ "${CHECK_BROWSER:-0}" = 1 ]; then
    [ -x /usr/bin/chromium ] || missing="$missing chromium"
    # The report tests read PDFs back as text and images with Poppler's tools.
    command -v pdftoppm >/dev/null 2>&1 || missing="$missing poppler-utils"
fi
# The PDFs are set in DejaVu Sans, which has every character the reports print.
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$missing fonts-dejavu-core"
for pair in libpango-1.0.so.0:libpango-1.0-0 libpangoft2-1.0.so.0:libpangoft2-1.0-0 \
            libharfbuzz-subset.so.0:libharfbuzz-subset0; do
    lib=${pair%%:*}
    pkg=${pair#*:}
    if ! ldconfig -p 2>/dev/null | grep -q "$lib"; then
        missing="$missing $pkg"
    fi
done

if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "mrplan: installing Debian packages mrplan needs:$missing"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null \
            || fail "could not install$missing. Install them with: apt-get install$missing"
    else
        fail "mrplan needs these Debian packages (PDFs; Chromium for the browser tests):$missing
Install them with: sudo apt-get install$missing"
    fi
fi
