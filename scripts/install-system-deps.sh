#!/usr/bin/env bash
# The system packages the browser tests (gasguard/web/tests) need:
#   chromium        Debian's Chromium, driven by Playwright (`playwright install` cannot download browsers here)
#   fonts-noto-cjk  without a CJK font, Chinese renders as boxes in screenshots (and in PDFs)
#   libreoffice-writer-nogui  converts the district report's Word file to PDF (gasguard/reports; ≈ 90 MB of packages,
#                   ≈ 13 s to install from a warm cache); without it the PDF is drawn with reportlab instead
#   fonts-wqy-zenhei  the TrueType Chinese font embedded in the cylinder notices and labels (CYLINDER_PDF_FONT;
#                   Noto CJK is OpenType/CFF, which reportlab cannot embed)
# Idempotent: when both are present it exits 0 at once. Otherwise, as root with apt-get, it installs them
# (running `apt-get update` only when the package lists are missing or stale); else it says what to install.
set -euo pipefail

PACKAGES=(chromium fonts-noto-cjk libreoffice-writer-nogui fonts-wqy-zenhei)
PDF_FONT=/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
CHROMIUM=${GASGUARD_CHROMIUM:-/usr/bin/chromium}  # the browser tests read the same variable

have_chromium() { [ -x "$CHROMIUM" ]; }

have_cjk_fonts() {
  local found=""
  if command -v fc-list >/dev/null 2>&1; then
    found=$(fc-list ':lang=zh' family 2>/dev/null || true)
  fi
  [ -n "$found" ] && return 0
  [ "$(dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null || true)" = "install ok installed" ]
}

have_soffice() { command -v soffice >/dev/null 2>&1; }
have_pdf_font() { [ -f "$PDF_FONT" ]; }

if have_chromium && have_cjk_fonts && have_soffice && have_pdf_font; then
  exit 0
fi

missing=()
have_chromium || missing+=(chromium)
have_cjk_fonts || missing+=(fonts-noto-cjk)
have_soffice || missing+=(libreoffice-writer-nogui)
have_pdf_font || missing+=(fonts-wqy-zenhei)

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system-deps: missing ${missing[*]} (needed by the browser tests in gasguard/web/tests)." >&2
  echo "  On Debian/Ubuntu, as root:  apt-get update && apt-get install -y ${PACKAGES[*]}" >&2
  echo "  Then run this script again:  bash scripts/install-system-deps.sh" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
lists_ready() {
  # A candidate version for every package means the lists are there and know them.
  local pkg policy
  for pkg in "${missing[@]}"; do
    policy=$(apt-cache policy "$pkg" 2>/dev/null || true)  # not piped into grep -q: pipefail + SIGPIPE
    grep -q 'Candidate: [^(]' <<<"$policy" || return 1
  done
}

if ! lists_ready; then
  echo "install-system-deps: apt-get update" >&2
  apt-get update -q
fi
echo "install-system-deps: apt-get install -y ${missing[*]}" >&2
if ! apt-get install -y -q "${missing[@]}"; then
  # Stale lists (a package version gone from the mirror): refresh once and try again.
  apt-get update -q
  apt-get install -y -q "${missing[@]}"
fi

have_chromium || { echo "install-system-deps: no $CHROMIUM after apt-get install chromium" >&2; exit 1; }
have_cjk_fonts || { echo "install-system-deps: no Chinese font after apt-get install fonts-noto-cjk" >&2; exit 1; }
have_soffice || { echo "install-system-deps: no soffice after apt-get install libreoffice-writer-nogui" >&2; exit 1; }
have_pdf_font || { echo "install-system-deps: no $PDF_FONT after apt-get install fonts-wqy-zenhei" >&2; exit 1; }
echo "install-system-deps: ok" >&2
