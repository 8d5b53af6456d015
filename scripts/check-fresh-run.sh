#!/usr/bin/env bash
# CI: `make run` works on a machine that has none of the optional system packages. A clean clone of this checkout
# runs `make run` (its own virtual env, migrations, the demo district, the platform) inside a private mount
# namespace in which the CJK fonts, LibreOffice and Chromium are hidden: a tmpfs over the font folders and /dev/null
# bound over the programs. Passes when the login page answers in Chinese; the platform is stopped afterwards.
# Needs root (unshare -m). PORT (default 8765) must be free; FRESH_RUN_TIMEOUT seconds (default 900) at most.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
port=${PORT:-8765}
timeout_s=${FRESH_RUN_TIMEOUT:-900}
work=$(mktemp -d /tmp/gasguard-fresh-run.XXXXXX)
trap 'rm -rf "$work"' EXIT

git clone -q "$src" "$work/gasguard"
# Uncommitted changes of the checkout under test (CI clones are clean; a developer's tree may not be).
(cd "$src" && git diff HEAD --binary) | (cd "$work/gasguard" && git apply --allow-empty -)

export FRESH_WORK="$work" FRESH_PORT="$port" FRESH_TIMEOUT="$timeout_s"
unshare -m --propagation private bash -euo pipefail -c '
hide_dir() { [ -d "$1" ] && mount -t tmpfs -o size=1m,mode=755 none "$1"; return 0; }
hide_program() { [ -e "$1" ] && mount --bind /dev/null "$1"; return 0; }
for d in /usr/share/fonts /usr/local/share/fonts /var/cache/fontconfig /usr/lib/libreoffice /usr/lib/chromium; do
  hide_dir "$d"
done
for p in /usr/bin/chromium /usr/bin/chromedriver /usr/bin/soffice /usr/bin/libreoffice /usr/bin/lowriter; do
  hide_program "$p"
done
if command -v fc-list >/dev/null && [ -n "$(fc-list :lang=zh 2>/dev/null)" ]; then
  echo "check-fresh-run: a Chinese font is still visible" >&2; exit 1
fi
if command -v soffice >/dev/null && [ -x "$(command -v soffice)" ]; then
  echo "check-fresh-run: soffice is still visible" >&2; exit 1
fi

cd "$FRESH_WORK/gasguard"
log="$FRESH_WORK/make-run.log"
setsid make run PORT="$FRESH_PORT" >"$log" 2>&1 &
leader=$!
stop() { kill -TERM -- "-$leader" 2>/dev/null || true; sleep 2; kill -KILL -- "-$leader" 2>/dev/null || true; }
trap stop EXIT

url="http://127.0.0.1:$FRESH_PORT/accounts/login/"
deadline=$((SECONDS + FRESH_TIMEOUT))
until page=$(python3 -c "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())" "$url" 2>/dev/null); do
  if ! kill -0 "$leader" 2>/dev/null; then
    echo "check-fresh-run: make run stopped before the login page answered; its log:" >&2; tail -n 60 "$log" >&2; exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "check-fresh-run: no login page after ${FRESH_TIMEOUT}s; the log:" >&2; tail -n 60 "$log" >&2; exit 1
  fi
  sleep 3
done
if ! grep -q "登录" <<<"$page" || ! grep -q "lang=\"zh-hans\"" <<<"$page"; then
  echo "check-fresh-run: the login page is not in Chinese" >&2; exit 1
fi
if grep -qi "Traceback" "$log"; then
  echo "check-fresh-run: make run logged a traceback:" >&2; grep -n -A 20 -i "Traceback" "$log" | head -n 60 >&2; exit 1
fi
echo "check-fresh-run: make run served the login page in Chinese after ${SECONDS}s without fonts, LibreOffice or Chromium"
'
