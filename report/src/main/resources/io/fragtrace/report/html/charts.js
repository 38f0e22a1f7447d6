/* Fragtrace interactive time charts on uPlot (inlined into the page with uPlot itself; nothing is fetched).
 * Each <div class="ic"> is followed by a <script type="application/json"> chart spec written by Interactive.java:
 *   kind "lines": series [{label, color, width, dash, step, points, x[], y[]}], each with its own x (joined here);
 *   kind "heat":  x[] (column starts), x1 (end of the last column), rows[] (labels), v[row][col], thp (row index),
 *                 scale {stops [[value, colour]], special [[value, colour, label]], log}.
 * Every chart: drag to zoom into a time range, double-click to zoom out, values under the cursor in the legend
 * (heat: in the readout line), click a legend entry to hide/show its series, numbered trace markers. */
(function () {
  'use strict';
  function fmt(v) {
    if (v == null || isNaN(v)) return '\u2013';
    var a = Math.abs(v);
    if (a >= 1000) return Math.round(v).toLocaleString('en');
    if (a >= 100) return v.toFixed(1);
    return String(+v.toPrecision(4));
  }
  function secs(v) { return v == null ? '\u2013' : v.toFixed(4) + ' s'; }

  function hexRgb(h) { return [parseInt(h.substr(1, 2), 16), parseInt(h.substr(3, 2), 16), parseInt(h.substr(5, 2), 16)]; }
  function colour(scale, v) {
    if (v == null || isNaN(v)) return null;
    var sp = scale.special || [];
    for (var i = 0; i < sp.length; i++) if (v === sp[i][0]) return sp[i][1];
    var st = scale.stops;
    if (v <= st[0][0]) return st[0][1];
    for (var k = 1; k < st.length; k++) {
      if (v <= st[k][0]) {
        var f = (v - st[k - 1][0]) / (st[k][0] - st[k - 1][0]);
        var a = hexRgb(st[k - 1][1]), b = hexRgb(st[k][1]);
        return 'rgb(' + Math.round(a[0] + f * (b[0] - a[0])) + ',' + Math.round(a[1] + f * (b[1] - a[1])) + ','
          + Math.round(a[2] + f * (b[2] - a[2])) + ')';
      }
    }
    return st[st.length - 1][1];
  }

  /* Dashed vertical line per trace marker; its number above the plot (three rows so close numbers stay apart). */
  function markersPlugin(markers, readout) {
    markers = (markers || []).slice().sort(function (p, q) { return p.t - q.t; });
    return {
      hooks: {
        draw: [function (u) {
          if (!markers || !markers.length) return;
          var ctx = u.ctx, b = u.bbox, d = window.devicePixelRatio || 1, lastX = [-1e9, -1e9, -1e9];
          ctx.save();
          ctx.strokeStyle = '#8a8a8a'; ctx.lineWidth = d; ctx.setLineDash([5 * d, 4 * d]);
          ctx.fillStyle = '#333'; ctx.font = (11 * d) + 'px sans-serif'; ctx.textAlign = 'center';
          for (var i = 0; i < markers.length; i++) {
            var x = Math.round(u.valToPos(markers[i].t, 'x', true));
            if (x < b.left - 1 || x > b.left + b.width + 1) continue;
            ctx.beginPath(); ctx.moveTo(x, b.top); ctx.lineTo(x, b.top + b.height); ctx.stroke();
            for (var r = 0; r < 3; r++) {
              if (x - lastX[r] >= 18 * d) {
                lastX[r] = x; ctx.fillText(String(markers[i].n), x, b.top - (4 + 12 * r) * d); break;
              }
            }
          }
          ctx.restore();
        }],
        setCursor: [function (u) {
          if (!readout || !markers || !markers.length) return;
          var l = u.cursor.left, near = null;
          if (l != null && l >= 0) {
            for (var i = 0; i < markers.length; i++) {
              if (Math.abs(u.valToPos(markers[i].t, 'x') - l) <= 4) { near = markers[i]; break; }
            }
          }
          readout.marker = near ? 'marker ' + near.n + ' at ' + secs(near.t) + ': ' + near.text : '';
          readout.show();
        }]
      }
    };
  }

  function makeReadout(el) {
    var div = document.createElement('div');
    div.className = 'ic-readout';
    el.appendChild(div);
    var r = { cell: '', marker: '', show: function () { div.textContent = [r.cell, r.marker].filter(Boolean).join(' \u00b7 ') || '\u00a0'; } };
    r.show();
    return r;
  }

  function width(el) { return Math.max(480, el.clientWidth || 1200); }

  function lines(el, s) {
    var tables = s.series.map(function (sr) { return [sr.x, sr.y]; });
    /* the whole trace span is the x range (also after zooming out), even where a series has no point */
    if (s.xMin != null && s.xMax != null) tables.push([[s.xMin, s.xMax], [null, null]]);
    var data = tables.length === 1 ? tables[0] : uPlot.join(tables);
    if (s.xMin != null && s.xMax != null) data.pop();
    var series = [{ label: 't', value: function (u, v) { return secs(v); } }];
    s.series.forEach(function (sr) {
      var o = { label: sr.label, stroke: sr.color, width: sr.width || 1.5, value: function (u, v) { return fmt(v); } };
      if (sr.dash) o.dash = [8, 5];
      if (sr.step) o.paths = uPlot.paths.stepped({ align: 1 });
      if (sr.points) {
        o.paths = function () { return null; };
        o.points = { show: true, size: sr.points, stroke: sr.color, fill: sr.color };
      } else {
        o.points = { show: false };
      }
      series.push(o);
    });
    var readout = makeReadout(el);
    var y = { auto: true };
    if (s.yMin != null || s.yMax != null) {
      y = { auto: true, range: function (u, lo, hi) {
        var min = s.yMin != null ? s.yMin : lo;
        if (s.yMax != null) return [min, s.yMax];
        if (hi == null || hi <= min) return [min, min + 1];
        return [min, hi + 0.04 * (hi - min)];
      } };
    }
    var yAxis = { label: s.yLabel, size: 70 };
    if (s.yLabels) { /* lanes: one labelled row per lane, 1..n */
      yAxis = { label: s.yLabel, size: 150, grid: { show: false },
        splits: function () { return s.yLabels.map(function (l, i) { return i + 1; }); },
        values: function (u, vals) { return vals.map(function (v) { return s.yLabels[v - 1] || ''; }); } };
    }
    var opts = {
      title: s.title, width: width(el), height: s.height || 360, series: series, padding: [44, 16, 0, 0],
      scales: { x: { time: false }, y: y },
      axes: [{ label: s.xLabel }, yAxis],
      cursor: { drag: { x: true, y: false } },
      plugins: [markersPlugin(s.markers, readout)]
    };
    return new uPlot(opts, data, el);
  }

  function heat(el, s) {
    var n = s.x.length, rows = s.rows.length, readout = makeReadout(el);
    var xs = s.x.slice(); xs.push(s.x1);
    var dummy = xs.map(function () { return null; });
    var opts = {
      title: s.title, width: width(el), height: s.height || Math.max(260, 26 * rows + 90), padding: [44, 16, 0, 0],
      legend: { show: false },
      scales: { x: { time: false }, y: { auto: false, range: [-0.5, rows - 0.5] } },
      series: [{}, { label: s.yLabel, paths: function () { return null; }, points: { show: false } }],
      axes: [{ label: s.xLabel, grid: { show: false } }, {
        label: s.yLabel, size: 70, splits: function () { var a = []; for (var i = 0; i < rows; i++) a.push(i); return a; },
        values: function (u, vals) { return vals.map(function (v) { return s.rows[v] == null ? '' : s.rows[v]; }); },
        grid: { show: false }
      }],
      cursor: { drag: { x: true, y: false }, points: { show: false }, y: false },
      hooks: {
        drawClear: [function (u) {
          var ctx = u.ctx, b = u.bbox;
          ctx.save(); ctx.beginPath(); ctx.rect(b.left, b.top, b.width, b.height); ctx.clip();
          for (var i = 0; i < n; i++) {
            var x0 = u.valToPos(xs[i], 'x', true), x1 = u.valToPos(xs[i + 1], 'x', true);
            if (x1 < b.left || x0 > b.left + b.width) continue;
            for (var r = 0; r < rows; r++) {
              var c = colour(s.scale, s.v[r][i]);
              if (!c) continue;
              var y0 = u.valToPos(r + 0.5, 'y', true), y1 = u.valToPos(r - 0.5, 'y', true);
              ctx.fillStyle = c; ctx.fillRect(x0, y0, Math.max(1, x1 - x0 + 0.5), y1 - y0);
            }
          }
          if (s.thp != null) {
            var d = window.devicePixelRatio || 1;
            ctx.strokeStyle = '#111'; ctx.lineWidth = 2.5 * d; ctx.setLineDash([]);
            var t0 = u.valToPos(s.thp + 0.5, 'y', true), t1 = u.valToPos(s.thp - 0.5, 'y', true);
            ctx.strokeRect(b.left + d, t0, b.width - 2 * d, t1 - t0);
          }
          ctx.restore();
        }],
        setCursor: [function (u) {
          var l = u.cursor.left, t = u.cursor.top;
          if (l == null || l < 0) { readout.cell = ''; readout.show(); return; }
          var tv = u.posToVal(l, 'x'), r = Math.round(u.posToVal(t, 'y')), i = -1;
          for (var k = 0; k < n; k++) { if (xs[k] <= tv && tv < xs[k + 1]) { i = k; break; } }
          if (i < 0 || r < 0 || r >= rows) { readout.cell = ''; readout.show(); return; }
          var v = s.v[r][i], label = '';
          (s.scale.special || []).forEach(function (sp) { if (v === sp[0]) label = ' (' + sp[2] + ')'; });
          readout.cell = secs(xs[i]) + '\u2013' + secs(xs[i + 1]) + ', ' + s.yLabel + ' ' + s.rows[r] + ': '
            + (s.scale.log && v != null ? fmt(Math.pow(10, v) - 1) + ' ' + s.scale.unit : fmt(v)) + label;
          readout.show();
        }]
      },
      plugins: [markersPlugin(s.markers, readout)]
    };
    return new uPlot(opts, [xs, dummy], el);
  }

  var charts = [];
  document.querySelectorAll('div.ic').forEach(function (el) {
    var spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
    var u = spec.kind === 'heat' ? heat(el, spec) : lines(el, spec);
    charts.push([el, u]);
  });
  window.fragtraceCharts = charts; /* [element, uPlot] per chart, for scripts/interaction-check.cjs */
  window.addEventListener('resize', function () {
    charts.forEach(function (c) { c[1].setSize({ width: width(c[0]), height: c[1].height }); });
  });
})();
