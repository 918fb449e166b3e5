namespace Heapmon.Stats;

/// <summary>The report's only style sheet and script, embedded so the file works offline and under a strict CSP.</summary>
internal static class ReportAssets
{
    public const string Css = """
:root{color-scheme:light dark;--bg:#fbfbfd;--fg:#1d2330;--muted:#5d6677;--line:#d9dde5;--card:#fff;--head:#f0f2f6;--accent:#2f6fd0;--hover:#eef3fb;
--s0:#4e79a7;--s1:#f28e2b;--s2:#e15759;--s3:#76b7b2;--s4:#59a14f;--s5:#edc948;--s6:#b07aa1;--s7:#ff9da7;--s8:#9c755f;--s9:#8c8c8c;--rss:#1d2330;--heap:#6b7385}
@media (prefers-color-scheme:dark){:root{--bg:#14171d;--fg:#e3e6ec;--muted:#9aa3b2;--line:#323846;--card:#1b1f27;--head:#232833;--accent:#7fb0ff;--hover:#242c3a;
--s0:#6f9bd1;--s1:#f5a25d;--s2:#ec7a7c;--s3:#8fd0ca;--s4:#7cc46f;--s5:#f2d867;--s6:#c99bbd;--s7:#ffb3bb;--s8:#bf9a83;--s9:#a9a9a9;--rss:#e3e6ec;--heap:#9aa3b2}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1240px;margin:0 auto;padding:0 20px 48px}
header.top{background:var(--card);border-bottom:1px solid var(--line);padding:18px 20px 10px}
header.top>div{max-width:1240px;margin:0 auto}
h1{font-size:22px;margin:0 0 6px}h2{font-size:18px;margin:32px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}h3{font-size:15px;margin:18px 0 8px}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
code,.mono,.ty{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:12.5px}
.ty{color:var(--muted)}
dl.run{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0;color:var(--muted)}dl.run dt{font-weight:600}dl.run dd{margin:0;overflow-wrap:anywhere;color:var(--fg)}
nav.toc{display:flex;flex-wrap:wrap;gap:4px 14px;margin-top:8px;font-size:13px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px;margin:12px 0}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:12px}
.grid2>.card{margin:0}
.note{color:var(--muted);font-size:13px}
ul.findings{margin:6px 0;padding-left:20px}
svg.chart{display:block;width:100%;height:auto;overflow:visible}
svg.chart text{fill:var(--muted);font-size:11px}
svg.chart .grid{stroke:var(--line);stroke-width:1}svg.chart .base{stroke:var(--muted);stroke-width:1}svg.chart .ticks{stroke:var(--muted);stroke-width:1}
svg.chart .area{fill-opacity:.82;stroke-width:1}svg.chart .area.empty{stroke:none}svg.chart .line{fill:none;stroke-width:2}svg.chart .dashed{stroke-dasharray:6 4}
svg.chart .hit{fill:transparent}svg.chart .hit:hover{fill:var(--fg);fill-opacity:.05}
svg.chart .guide{stroke:var(--fg);stroke-opacity:.45;stroke-width:1;visibility:hidden}
.s0{fill:var(--s0);stroke:var(--s0);background:var(--s0)}.s1{fill:var(--s1);stroke:var(--s1);background:var(--s1)}.s2{fill:var(--s2);stroke:var(--s2);background:var(--s2)}
.s3{fill:var(--s3);stroke:var(--s3);background:var(--s3)}.s4{fill:var(--s4);stroke:var(--s4);background:var(--s4)}.s5{fill:var(--s5);stroke:var(--s5);background:var(--s5)}
.s6{fill:var(--s6);stroke:var(--s6);background:var(--s6)}.s7{fill:var(--s7);stroke:var(--s7);background:var(--s7)}.s8{fill:var(--s8);stroke:var(--s8);background:var(--s8)}
.s9{fill:var(--s9);stroke:var(--s9);background:var(--s9)}
svg .rss{stroke:var(--rss)}svg .heap{stroke:var(--heap)}
.scale{display:flex;gap:12px;align-items:center;font-size:13px;color:var(--muted);margin:-4px 0 6px}.scale label{display:flex;gap:4px;align-items:center;color:var(--fg)}
#timespace:not(:has(#ts-tracked:checked)) .v-tracked,#timespace:not(:has(#ts-heap:checked)) .v-heap,#timespace:not(:has(#ts-rss:checked)) .v-rss{display:none}
ul.legend{list-style:none;display:flex;flex-wrap:wrap;gap:4px 16px;margin:6px 0 0;padding:0;font-size:13px}
ul.legend li{display:flex;align-items:center;gap:6px}
.sw{display:inline-block;width:12px;height:12px;border-radius:2px;flex:none}
.so{fill:var(--muted);stroke:var(--muted);background:var(--muted)}
.filter{display:flex;gap:12px;align-items:center;margin:6px 0}.filter input{font:inherit;padding:4px 8px;min-width:22em;border:1px solid var(--line);border-radius:6px;background:var(--card);color:var(--fg)}
.sw.ln{height:0;width:18px;border-top:2px solid var(--rss);border-radius:0;background:none}.sw.ln.heap{border-top:2px dashed var(--heap)}
.scroll{overflow-x:auto;max-width:100%}
.scroll.tall{max-height:560px;overflow-y:auto}
table{border-collapse:collapse;font-size:13px;width:100%}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
thead th{background:var(--head);position:sticky;top:0;z-index:1;font-weight:600}
table.sortable thead th{cursor:pointer;user-select:none}
table.sortable thead th::after{content:"\2195";opacity:.35;margin-left:4px;font-size:11px}
table.sortable thead th[aria-sort=ascending]::after{content:"\25B2";opacity:.8}
table.sortable thead th[aria-sort=descending]::after{content:"\25BC";opacity:.8}
tbody tr:hover{background:var(--hover)}
td.name,th.name{white-space:normal;overflow-wrap:anywhere;min-width:12em}
table.tree td{text-align:right;font-variant-numeric:tabular-nums}
table.tree th.tn{position:sticky;left:0;background:var(--card);white-space:nowrap;font-weight:normal;padding-left:calc(var(--d,0) * 18px + 6px);z-index:0}
table.tree thead th:first-child{left:0;z-index:2}
button.tg{border:0;background:none;color:var(--muted);cursor:pointer;width:16px;padding:0;font:inherit;line-height:1}
button.tg::before{content:"\25BE"}button.tg[aria-expanded=false]::before{content:"\25B8"}
span.leaf{display:inline-block;width:16px}
tr.folded{display:none}
details.frames summary{cursor:pointer}
ol.frames{margin:2px 0 0;padding-left:22px}
#tip{position:fixed;z-index:10;pointer-events:none;background:var(--card);color:var(--fg);border:1px solid var(--line);border-radius:6px;
box-shadow:0 4px 14px rgba(0,0,0,.18);padding:6px 9px;font-size:12px;white-space:pre;max-width:80vw;overflow:hidden}
@media print{
body{background:#fff;color:#000;font-size:11px}
header.top{border:0}
nav.toc,#tip,svg.chart .hits,svg.chart .guide,button.tg,.scale,.filter{display:none}
.card{border:0;padding:0;break-inside:avoid}
.scroll,.scroll.tall{overflow:visible;max-height:none}
tr.folded{display:table-row}
thead th{position:static}
section.class,section.object{break-before:page}
a{color:inherit}
}
""";

    public const string Script = """
(() => {
  'use strict';
  // Sortable tables: a header click sorts by that column, numbers by the cell's data-v, text otherwise.
  for (const table of document.querySelectorAll('table.sortable')) {
    const heads = Array.from(table.tHead.rows[0].cells);
    heads.forEach((th, column) => {
      const sort = () => {
        const ascending = th.getAttribute('aria-sort') !== 'ascending';
        heads.forEach(h => h.removeAttribute('aria-sort'));
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        const body = table.tBodies[0];
        const key = row => {
          const cell = row.cells[column];
          if (!cell) return '';
          return cell.dataset.v !== undefined ? Number(cell.dataset.v) : cell.textContent.trim();
        };
        const rows = Array.from(body.rows, (row, i) => [key(row), i, row]);
        rows.sort((a, b) => {
          const d = typeof a[0] === 'number' && typeof b[0] === 'number' ? a[0] - b[0] : String(a[0]).localeCompare(String(b[0]));
          return (ascending ? d : -d) || a[1] - b[1];
        });
        body.append(...rows.map(r => r[2]));
      };
      th.tabIndex = 0;
      th.addEventListener('click', sort);
      th.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
    });
  }

  // The class list: typing filters its rows by name, every word anywhere in it, case ignored.
  const search = document.getElementById('class-search');
  if (search) {
    const rows = Array.from(document.getElementById('class-table').tBodies[0].rows);
    const count = document.getElementById('class-count');
    const names = rows.map(r => r.cells[0].textContent.toLowerCase());
    search.addEventListener('input', () => {
      const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      rows.forEach((row, i) => { const hit = words.every(word => names[i].includes(word)); row.hidden = !hit; if (hit) shown++; });
      const n = x => x.toLocaleString('en-US');
      count.textContent = words.length ? n(shown) + ' of ' + n(rows.length) + ' classes' : n(rows.length) + (rows.length === 1 ? ' class' : ' classes');
    });
  }

  // Referent trees: rows carry their depth; a toggle hides or shows the rows below it that are deeper.
  const depth = row => Number(row.dataset.d);
  const isOpen = row => { const b = row.querySelector('button.tg'); return !b || b.getAttribute('aria-expanded') !== 'false'; };
  const refresh = row => {
    const d = depth(row);
    let limit = isOpen(row) ? Infinity : d;
    for (let r = row.nextElementSibling; r && depth(r) > d; r = r.nextElementSibling) {
      const rd = depth(r);
      if (rd <= limit) limit = Infinity;
      const hidden = rd > limit;
      r.classList.toggle('folded', hidden);
      if (!hidden && !isOpen(r)) limit = rd;
    }
  };
  for (const table of document.querySelectorAll('table.tree')) {
    const rows = Array.from(table.tBodies[0].rows);
    // Start with the root and its direct referents visible.
    for (const row of rows) {
      const b = row.querySelector('button.tg');
      if (b && depth(row) >= 1) b.setAttribute('aria-expanded', 'false');
    }
    if (rows.length) refresh(rows[0]);
    table.addEventListener('click', e => {
      const b = e.target.closest('button.tg');
      if (!b) return;
      b.setAttribute('aria-expanded', b.getAttribute('aria-expanded') === 'false' ? 'true' : 'false');
      refresh(b.closest('tr'));
    });
  }
  // Print everything: open every tree before printing (print CSS also shows folded rows).
  window.addEventListener('beforeprint', () => {
    for (const b of document.querySelectorAll('button.tg')) b.setAttribute('aria-expanded', 'true');
    for (const d of document.querySelectorAll('details')) d.open = true;
  });

  // Chart hover: a snapshot's band holds its values in data-tip; show them as text next to the pointer.
  const tip = document.getElementById('tip');
  let guide = null;
  const hide = () => { tip.hidden = true; if (guide) guide.style.visibility = 'hidden'; guide = null; };
  document.addEventListener('pointerover', e => {
    const hit = e.target instanceof Element ? e.target.closest('.hit') : null;
    if (!hit) return;
    tip.textContent = hit.dataset.tip;
    tip.hidden = false;
    if (guide) guide.style.visibility = 'hidden';
    guide = hit.dataset.x !== undefined ? hit.ownerSVGElement.querySelector('.guide') : null;
    if (guide) {
      guide.setAttribute('x1', hit.dataset.x);
      guide.setAttribute('x2', hit.dataset.x);
      guide.style.visibility = 'visible';
    }
  });
  document.addEventListener('pointermove', e => {
    if (tip.hidden) return;
    const pad = 14, w = tip.offsetWidth, h = tip.offsetHeight;
    const x = e.clientX + pad + w > innerWidth ? e.clientX - pad - w : e.clientX + pad;
    const y = e.clientY + pad + h > innerHeight ? e.clientY - pad - h : e.clientY + pad;
    tip.style.left = Math.max(0, x) + 'px';
    tip.style.top = Math.max(0, y) + 'px';
  });
  document.addEventListener('pointerout', e => { if (e.target instanceof Element && e.target.closest('.hit')) hide(); });
})();
""";
}
