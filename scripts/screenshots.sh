#!/usr/bin/env bash
# Renders report.html and diff.html from the sample captures (and from the synthetic test fixture, whose stats.json
# has every extfrag key) in headless Chromium, takes screenshots, and fails when a page logs a console message
# (errors, failed loads), tries to reach the network, loads anything from outside itself, leaves an interactive
# chart undrawn, or a chart does not zoom on a drag, zoom out on a double-click, show the values under the cursor or
# hide a series when its legend entry is clicked (scripts/interaction-check.cjs).
#
#   scripts/screenshots.sh [OUT_DIR]        (default: target/screenshots)
#
# Screenshots: OUT/<page>-1.png, -2.png, ... (1400x4000 tiles, the first is the top of the page).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$(realpath -m "${1:-target/screenshots}")
rm -rf "$OUT"
mkdir -p "$OUT"

if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi

mvn -q -B -ntp -pl cli -am package -DskipTests
mvn -q -B -ntp -pl report -am test-compile
JAR=cli/target/fragtrace-all.jar
CAPTURES="fragment-thp-256M fragment-thp-256M-k6.12 mixed-churn-512M"

for c in $CAPTURES; do
  java -jar "$JAR" replay "sample-traces/$c" --out "$OUT/runs/$c" --quiet
done
# simulate mode: its own section "Model vs kernel" (the calibration against the kernel the trace recorded)
java -jar "$JAR" replay sample-traces/kcompactd-512M --mode simulate --config linux-6.1 \
  --out "$OUT/runs/simulate-kcompactd-512M" --quiet
# synthetic-A/-B: the test fixture (ReplayFixture), with extfrag.over_time and extfrag.pollution in stats.json
java -cp "$JAR:report/target/test-classes" io.fragtrace.report.html.ReplayFixture "$OUT/runs" synthetic

java -jar "$JAR" diff "$OUT/runs/fragment-thp-256M" "$OUT/runs/fragment-thp-256M-k6.12" --out "$OUT/diff-6.1-vs-6.12" \
  | tee "$OUT/diff-6.1-vs-6.12.txt"
java -jar "$JAR" diff "$OUT/runs/synthetic-A" "$OUT/runs/synthetic-B" --out "$OUT/diff-synthetic" >/dev/null
# one capture under two configurations: A's error against the kernel next to each difference
java -jar "$JAR" diff sample-traces/fragment-thp-256M --config-a linux-6.1 --config-b proactive \
  --out "$OUT/diff-configs" --quiet | tee "$OUT/diff-configs.txt"

fail=0
# The reader's gestures (drag to zoom, double-click, hover, legend click) are driven by scripts/interaction-check.cjs
# through puppeteer-core (npm, pinned; installed under target/ui, using the system chromium).
UI=target/ui
if [ ! -d "$UI/node_modules/puppeteer-core" ]; then
  mkdir -p "$UI" && (cd "$UI" && npm install --no-audit --no-fund --silent puppeteer-core@25.16.0 >/dev/null)
fi
interact() { # html file, name: OUT/NAME-zoomed.png (the first chart zoomed, the cursor on it)
  if ! NODE_PATH="$UI/node_modules" node scripts/interaction-check.cjs "$1" "$OUT/$2-zoomed.png"; then fail=1; fi
}
# Splits a full-page screenshot into tiles of the given height (dropping the blank ones below the page's end).
TILES=$(mktemp -d)/Tiles.java
cat >"$TILES" <<'JAVA'
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
public class Tiles {
    public static void main(String[] a) throws Exception {
        BufferedImage im = ImageIO.read(new File(a[0]));
        int h = Integer.parseInt(a[2]);
        for (int y = 0, n = 1; y < im.getHeight(); y += h, n++) {
            BufferedImage t = im.getSubimage(0, y, im.getWidth(), Math.min(h, im.getHeight() - y));
            boolean blank = true;
            for (int yy = 0; yy < t.getHeight() && blank; yy += 4)
                for (int x = 0; x < t.getWidth() && blank; x += 4)
                    blank = (t.getRGB(x, yy) & 0xffffff) == 0xffffff;
            if (blank) break;
            ImageIO.write(t, "png", new File(a[1] + "-" + n + ".png"));
            System.out.println(a[1] + "-" + n + ".png");
        }
    }
}
JAVA
CHROME=(chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
  --disable-sync --no-first-run --hide-scrollbars --host-resolver-rules="MAP * ~NOTFOUND" --enable-logging=stderr
  --v=0 --virtual-time-budget=5000)
shot() { # html file, name: OUT/NAME-1.png, -2.png, ...
  local html=$1 name=$2
  local log="$OUT/$name.log" full="$OUT/$name.full.png"
  # every host resolves to nothing, and the net log records every URL requested: a request by the page shows there
  # (Chromium's own update/account checks to Google hosts are left out of the check)
  "${CHROME[@]}" --user-data-dir="$(mktemp -d)" --log-net-log="$log.netlog.json" --window-size=1400,40000 \
    --screenshot="$full" "file://$html" >"$log" 2>&1 || true
  if [ ! -s "$full" ]; then
    echo "FAIL $name: no screenshot (see $log)"; fail=1; return
  fi
  java "$TILES" "$full" "$OUT/$name" 4000 >/dev/null
  rm -f "$full"
  if grep -E 'CONSOLE|Uncaught|Failed to load resource' "$log"; then
    echo "FAIL $name: console message (see $log)"; fail=1
  fi
  if grep -oE '"url":"(https?|wss?|ftp)://[^"]*"' "$log.netlog.json" | grep -vE '://[a-z0-9.-]*(google\.com|googleapis\.com|gstatic\.com)/'; then
    echo "FAIL $name: the page made a network request (see $log.netlog.json)"; fail=1
  fi
  # the page after its scripts ran: every interactive chart drawn by uPlot
  local dom="$OUT/$name.dom.html" want got
  "${CHROME[@]}" --user-data-dir="$(mktemp -d)" --dump-dom "file://$html" >"$dom" 2>/dev/null || true
  want=$(grep -o '<div class="ic" data-spec=' "$html" | wc -l)
  got=$(grep -o 'class="uplot' "$dom" | wc -l)
  if [ "$want" -ne "$got" ]; then
    echo "FAIL $name: $want interactive charts, $got drawn (see $dom)"; fail=1
  fi
  echo "$name: $want interactive charts drawn"
}
static_check() { # nothing loaded from outside the page: no src/href but data: and #, no script/style from a file
  # (the one address in a page is the comment naming uPlot's home in its licence header)
  if sed 's|/\*! https://github.com/leeoniya/uPlot||' "$1" \
      | grep -Eo '(src|href)="[^"#d][^"]*"|<script[^>]* src=|<link|@import|https?://|url\(|fetch\(|XMLHttpRequest' \
      | head -3 | grep .; then
    echo "FAIL $1: external reference"; fail=1
  fi
}

for c in $CAPTURES synthetic-A simulate-kcompactd-512M; do
  r="$OUT/runs/$c/report.html"
  static_check "$r"
  shot "$r" "report-$c"
  interact "$r" "report-$c"
done
for d in "$OUT"/diff-*/; do
  static_check "$d/diff.html"
  shot "$(realpath "$d/diff.html")" "$(basename "$d")"
  interact "$(realpath "$d/diff.html")" "$(basename "$d")"
done

ls -1 "$OUT"/*.png
[ $fail -eq 0 ] && echo "screenshots OK: no console message, no network request, every chart drawn and interactive" \
  || { echo "screenshots: problems above"; exit 1; }
