#!/usr/bin/env bash
# Renders report.html and diff.html from the sample captures in headless Chromium, takes screenshots, and fails
# when the pages log a console message (errors, failed loads) or try to reach the network.
#
#   scripts/screenshots.sh [OUT_DIR]        (default: target/screenshots)
#
# Until 'fragtrace replay' exists, the replay output folders come from the test fixture
# (io.fragtrace.report.html.ReplayFixture: the captures' stats, compaction passes, daemons and markers, with a
# synthesized timeseries); once 'fragtrace replay' is there it is used instead.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$(realpath -m "${1:-target/screenshots}")
rm -rf "$OUT"
mkdir -p "$OUT"

if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi

mvn -q -pl cli -am package -DskipTests
JAR=cli/target/fragtrace-all.jar
CAPTURES="fragment-thp-256M fragment-thp-256M-k6.12 mixed-churn-512M"

if java -jar "$JAR" --help | grep -qE "^  replay "; then
  for c in $CAPTURES; do
    java -jar "$JAR" replay "sample-traces/$c" --out "$OUT/runs/$c" --quiet
  done
else
  echo "fragtrace replay not available: replay output folders from the test fixture" >&2
  java -cp "$JAR:report/target/test-classes" io.fragtrace.report.html.ReplayFixture "$OUT/runs"
fi
for c in $CAPTURES; do
  [ -f "$OUT/runs/$c/report.html" ] || java -cp "$JAR" io.fragtrace.report.html.HtmlReport "$OUT/runs/$c"
done

java -jar "$JAR" diff "$OUT/runs/fragment-thp-256M" "$OUT/runs/fragment-thp-256M-k6.12" --out "$OUT/diff-6.1-vs-6.12" \
  | tee "$OUT/diff-6.1-vs-6.12.txt"
if [ -d "$OUT/runs/synthetic-A" ]; then
  java -jar "$JAR" diff "$OUT/runs/synthetic-A" "$OUT/runs/synthetic-B" --out "$OUT/diff-synthetic" >/dev/null
fi

fail=0
# Splits a full-page screenshot into 1400x4000 tiles (dropping the blank ones below the page's end).
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
shot() { # html file, png base name: OUT/NAME-1.png, -2.png, ... (1400x4000 each, the first is the top of the page)
  local html=$1 name=$2
  local log="$OUT/$name.log" full="$OUT/$name.full.png"
  # every host resolves to nothing, and the net log records every URL requested: a request by the page shows there
  # (Chromium's own update/account checks to Google hosts are left out of the check)
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --user-data-dir="$(mktemp -d)" --hide-scrollbars \
    --host-resolver-rules="MAP * ~NOTFOUND" --enable-logging=stderr --v=0 --log-net-log="$log.netlog.json" \
    --virtual-time-budget=3000 --window-size=1400,32000 --screenshot="$full" "file://$html" >"$log" 2>&1 || true
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
}
static_check() { # no script, no external reference in the page
  # (a network request could also only come from these)
  if grep -Eo '(src|href)="[^"#d][^"]*"|<script|https?://|url\(' "$1" | head -3 | grep -q .; then
    echo "FAIL $1: external reference or script"; fail=1
  fi
}

for c in $CAPTURES; do
  r="$OUT/runs/$c/report.html"
  static_check "$r"
  shot "$r" "report-$c"
done
for d in "$OUT"/diff-*/; do
  static_check "$d/diff.html"
  shot "$(realpath "$d/diff.html")" "$(basename "$d")"
done

ls -1 "$OUT"/*.png
[ $fail -eq 0 ] && echo "screenshots OK: no console message, no network request" || { echo "screenshots: problems above"; exit 1; }
