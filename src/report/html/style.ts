// The page's only stylesheet, inlined: no font, image or sheet is ever fetched. Dense and plain so
// that forty rows fit on a laptop screen; colour carries the status, text carries the reason.

/** The CSS of the HTML report. */
export const REPORT_CSS = `
:root{--pass:#1e7d32;--pass-bg:#dff3e1;--fail:#b3261e;--fail-bg:#fbdad6;--warn:#8a5a00;--warn-bg:#fdebc2;
--skip:#5f6368;--skip-bg:#eceff1;--line:#d6d9dc;--ink:#1b1f23;--muted:#5f6b76;--head:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#fff}
code{font:12px/1.3 ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;word-break:break-all}
header{padding:12px 16px 8px;border-bottom:1px solid var(--line);background:var(--head)}
h1{font-size:16px;margin:0 8px 6px 0;display:inline-block}
.meta{color:var(--muted);font-size:12px}
.counts{display:flex;gap:8px;flex-wrap:wrap;margin:8px 0 4px}
.count{border-radius:6px;padding:4px 10px;font-weight:600;font-size:14px;border:1px solid transparent}
.count b{font-size:20px;margin-right:4px}
.count.pass{background:var(--pass-bg);color:var(--pass)}.count.fail{background:var(--fail-bg);color:var(--fail)}
.count.warn{background:var(--warn-bg);color:var(--warn)}.count.skip{background:var(--skip-bg);color:var(--skip)}
.count.total{background:#fff;border-color:var(--line)}
.count.zero{opacity:.45}
.banner{margin:6px 0;padding:6px 10px;border-radius:6px;font-weight:600}
.banner.fail{background:var(--fail-bg);color:var(--fail)}.banner.ok{background:var(--pass-bg);color:var(--pass)}
.profile{margin:4px 0;font-size:12px}
.missing{margin:6px 0;padding:6px 10px;border-left:4px solid var(--warn);background:var(--warn-bg);font-size:12px}
.missing ul{margin:2px 0 0 18px;padding:0}
.toolbar{position:sticky;top:0;z-index:2;display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center;padding:6px 16px;background:#fff;border-bottom:1px solid var(--line)}
.toolbar fieldset{border:0;margin:0;padding:0;display:flex;gap:4px;flex-wrap:wrap;align-items:center}
.toolbar legend{float:left;font-size:11px;text-transform:uppercase;color:var(--muted);margin-right:4px}
.chip{display:inline-flex;align-items:center;gap:3px;border:1px solid var(--line);border-radius:12px;padding:1px 8px;cursor:pointer;user-select:none;font-size:12px;background:#fff}
.chip input{margin:0}
.chip.pass{border-color:var(--pass)}.chip.fail{border-color:var(--fail)}.chip.warn{border-color:var(--warn)}.chip.skip{border-color:var(--skip)}
.toolbar input[type=search]{font:inherit;padding:2px 6px;border:1px solid var(--line);border-radius:4px;width:200px}
.toolbar button{font:inherit;font-size:12px;padding:2px 8px;border:1px solid var(--line);border-radius:4px;background:var(--head);cursor:pointer}
.shown{color:var(--muted);font-size:12px;margin-left:auto}
main{padding:0 16px 24px}
table.grid{border-collapse:separate;border-spacing:0 2px;width:100%;table-layout:fixed}
.grid th{position:sticky;top:34px;background:#fff;text-align:left;font-size:11px;color:var(--muted);font-weight:600;padding:4px 6px;border-bottom:1px solid var(--line)}
.grid col.c-mark{width:22px}.grid col.c-layer{width:15%}.grid col.c-ms{width:64px}
.grid td{padding:3px 6px;vertical-align:middle;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
tr.row{cursor:pointer}
tr.row:hover td{filter:brightness(.96)}
tr.row:focus{outline:2px solid #0b57d0;outline-offset:-2px}
td.mark{font-weight:700;text-align:center;border-radius:4px 0 0 4px}
td.mark.pass{color:var(--pass)}td.mark.fail{color:#fff;background:var(--fail)}td.mark.warn{color:var(--warn)}td.mark.skip{color:var(--skip)}
td.ep .name{font-weight:600}
td.ep .url{color:var(--muted);font-size:11px;margin-left:6px}
td.ep .opt{color:var(--muted);font-size:11px;margin-left:4px;font-style:italic}
td.cell{font-size:12px;border-left:2px solid #fff}
td.cell.pass{background:var(--pass-bg);color:var(--pass)}
td.cell.fail{background:var(--fail-bg);color:var(--fail);font-weight:700}
td.cell.warn{background:var(--warn-bg);color:var(--warn);font-weight:600}
td.cell.skip{background:var(--skip-bg);color:var(--skip)}
td.cell.skip:empty::before{content:"–"}
td.cell.none{background:repeating-linear-gradient(135deg,#fff 0 4px,#f3f4f5 4px 8px)}
td.ms{text-align:right;color:var(--muted);font-size:11px}
tr.row.open td{border-bottom:0}
tr.detail td{padding:0 6px 10px 28px;white-space:normal}
.detail-body{border:1px solid var(--line);border-top:0;border-radius:0 0 6px 6px;padding:8px 12px;background:#fcfcfd}
.verdict{margin:0 0 6px;font-size:13px}.verdict.fail strong{color:var(--fail)}.verdict.warn strong{color:var(--warn)}
.verdict.pass strong{color:var(--pass)}.verdict.skip strong{color:var(--skip)}
.explain{margin:0 0 6px;color:var(--muted)}
.fix{margin:0 0 8px;padding:6px 10px;background:#e8f0fe;border-left:4px solid #0b57d0;border-radius:4px}
.cols{display:flex;gap:16px;flex-wrap:wrap}.col{flex:1 1 420px;min-width:0}
section h4{margin:6px 0 2px;font-size:11px;text-transform:uppercase;color:var(--muted);letter-spacing:.04em}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:1px 10px;margin:0 0 4px}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;min-width:0}
table.mini{border-collapse:collapse;margin:2px 0 6px;font-size:12px;width:100%}
table.mini th,table.mini td{border:1px solid var(--line);padding:2px 6px;text-align:left;vertical-align:top}
table.mini th{background:var(--head);font-weight:600;font-size:11px}
td.num{text-align:right;white-space:nowrap}
table.timings td:nth-child(-n+4){white-space:nowrap}table.timings td:nth-child(-n+4) code{word-break:normal}
.k-private{color:var(--pass);font-weight:600}.k-public{color:var(--fail);font-weight:600}
.pill{display:inline-block;border-radius:8px;padding:0 6px;font-size:11px;font-weight:600}
.pill.pass{background:var(--pass-bg);color:var(--pass)}.pill.fail{background:var(--fail-bg);color:var(--fail)}
.pill.warn{background:var(--warn-bg);color:var(--warn)}.pill.skip{background:var(--skip-bg);color:var(--skip)}
.cert{border:1px solid var(--line);border-radius:4px;padding:4px 8px;margin:4px 0;background:#fff}
.cert-title{font-size:11px;color:var(--muted);font-weight:600}
.fp{font-size:11px}
.empty{padding:16px;color:var(--muted)}
.causes,.appendix{padding:8px 16px;border-bottom:1px solid var(--line)}
.causes h2,.appendix h2{font-size:14px;margin:2px 0 6px}
.causes ol{margin:0;padding-left:22px}.causes li{margin:0 0 8px}
.causes p,.appendix p{margin:1px 0}.c-summary{font-weight:600}.c-eps{color:var(--muted);font-size:12px}
.appendix ul{list-style:none;margin:0;padding:0}.appendix li{margin:0 0 8px;padding-left:8px;border-left:4px solid var(--line)}
.appendix li.pass{border-color:var(--pass)}.appendix li.fail{border-color:var(--fail)}
.appendix li.pass strong{color:var(--pass)}.appendix li.fail strong{color:var(--fail)}.a-footer{color:var(--muted)}
.path-wrap{overflow-x:auto;margin:2px 0 6px}
svg.path .hop rect{fill:#fff;stroke:var(--line);stroke-width:1.5}
svg.path .hop.pass rect{fill:var(--pass-bg);stroke:var(--pass)}
svg.path .hop.stop rect{fill:var(--fail-bg);stroke:var(--fail);stroke-width:3}
svg.path .hop.unreached rect{fill:#fff;stroke:var(--skip);stroke-dasharray:4 3}
svg.path .hop.unreached text{fill:var(--skip)}
svg.path text{font:12px system-ui,sans-serif;fill:var(--ink)}
svg.path .p-role{font-size:10px;fill:var(--muted);text-transform:uppercase}svg.path .hop.stop .p-role{fill:var(--fail);font-weight:700}
svg.path .p-name{font-weight:600}svg.path .p-line{font:11px ui-monospace,Menlo,Consolas,monospace}
svg.path .arrow{fill:none;stroke:var(--ink);stroke-width:1.5}svg.path .arrow.unreached{stroke:var(--skip);stroke-dasharray:3 3}
pre.cmds{margin:2px 0 6px;padding:6px 8px;background:#f6f8fa;border:1px solid var(--line);border-radius:4px;white-space:pre-wrap}
ul.sources{margin:0;padding-left:16px}.src-id{color:var(--muted);font-size:11px}
footer{padding:8px 16px;color:var(--muted);font-size:11px;border-top:1px solid var(--line)}
@media print{.toolbar{display:none}tr.detail[hidden]{display:none}}
`;
