// Drives report.html / diff.html in headless Chromium (puppeteer-core, the system's chromium) the way a reader does,
// and fails unless every interactive time chart responds: drag zooms into a time range, double-click zooms out, the
// legend (heat maps: the readout line) shows the values under the cursor, a click on a legend entry hides its
// series. Also fails on a console message, a page error, or any request that is not the page itself.
//
//   node scripts/interaction-check.cjs PAGE.html SCREENSHOT.png      (run by scripts/screenshots.sh)
const puppeteer = require('puppeteer-core');

(async () => {
  const [page0, shotFile] = process.argv.slice(2);
  const url = 'file://' + require('path').resolve(page0);
  const problems = [];
  const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'], defaultViewport: { width: 1400, height: 1000 } });
  const page = await browser.newPage();
  page.on('console', m => problems.push('console ' + m.type() + ': ' + m.text()));
  page.on('pageerror', e => problems.push('page error: ' + e.message));
  await page.setRequestInterception(true);
  page.on('request', r => {
    // the page itself, and its inline data: images, nothing else
    if (r.url() === url || r.url().startsWith('data:')) { r.continue(); } else {
      problems.push('request: ' + r.url().slice(0, 100)); r.abort();
    }
  });
  await page.goto(url, { waitUntil: 'load' });
  const n = await page.evaluate(() => (window.fragtraceCharts || []).length);
  const want = await page.evaluate(() => document.querySelectorAll('div.ic').length);
  if (n !== want) problems.push(`${want} charts in the page, ${n} drawn`);
  let shot = false;
  for (let i = 0; i < n; i++) {
    const info = await page.evaluate(i => {
      const [el, u] = window.fragtraceCharts[i];
      el.scrollIntoView({ block: 'center' });
      const r = u.over.getBoundingClientRect();
      return { id: el.dataset.spec, x: r.left, y: r.top, w: r.width, h: r.height, min: u.scales.x.min,
        max: u.scales.x.max, heat: !!el.querySelector('.ic-readout') && u.series.length === 2 && !u.legend.show,
        series: u.series.length };
    }, i);
    const midY = info.y + info.h * 0.5;
    // values under the cursor
    await page.mouse.move(info.x + info.w * 0.6, midY);
    const shown = await page.evaluate((i, heat) => {
      const [el] = window.fragtraceCharts[i];
      if (heat) return el.querySelector('.ic-readout').textContent;
      return Array.from(el.querySelectorAll('.u-legend .u-value')).map(v => v.textContent).join(' ');
    }, i, info.heat);
    if (!/[0-9]/.test(shown)) problems.push(`${info.id}: nothing under the cursor ("${shown}")`);
    // drag to zoom into [30 %, 50 %] of the time axis
    await page.mouse.move(info.x + info.w * 0.3, midY);
    await page.mouse.down();
    await page.mouse.move(info.x + info.w * 0.5, midY, { steps: 5 });
    await page.mouse.up();
    const zoomed = await page.evaluate(i => { const u = window.fragtraceCharts[i][1]; return [u.scales.x.min, u.scales.x.max]; }, i);
    const span = info.max - info.min, want0 = info.min + 0.3 * span, want1 = info.min + 0.5 * span;
    if (!(Math.abs(zoomed[0] - want0) < 0.02 * span && Math.abs(zoomed[1] - want1) < 0.02 * span)) {
      problems.push(`${info.id}: drag did not zoom to [${want0}, ${want1}] but [${zoomed}]`);
    }
    if (!shot && shotFile) { // one picture of a zoomed chart with the cursor on it
      await page.mouse.move(info.x + info.w * 0.45, midY);
      await page.screenshot({ path: shotFile });
      shot = true;
    }
    await page.mouse.click(info.x + info.w * 0.4, midY, { count: 2, clickCount: 2 });
    const back = await page.evaluate(i => { const u = window.fragtraceCharts[i][1]; return [u.scales.x.min, u.scales.x.max]; }, i);
    if (Math.abs(back[0] - info.min) > 1e-9 || Math.abs(back[1] - info.max) > 1e-9) {
      problems.push(`${info.id}: double-click did not zoom out ([${back}])`);
    }
    if (!info.heat && info.series > 1) { // hide the first series from the legend
      const hidden = await page.evaluate(i => {
        const [el, u] = window.fragtraceCharts[i];
        const entry = () => el.querySelectorAll('.u-legend .u-series')[1].querySelector('th');
        entry().click();
        const h = u.series[1].show === false;
        entry().click();
        return h && u.series[1].show === true;
      }, i);
      if (!hidden) problems.push(`${info.id}: a click on the legend did not hide/show the series`);
    }
  }
  await browser.close();
  if (problems.length) {
    console.log(problems.map(p => 'FAIL ' + page0 + ': ' + p).join('\n'));
    process.exit(1);
  }
  console.log(`${page0}: ${n} charts zoom, show values under the cursor, hide series from the legend`);
})().catch(e => { console.log('FAIL ' + e); process.exit(1); });
