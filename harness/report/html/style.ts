/** The report's only stylesheet, inlined: readable on a screen, on a phone, and on paper. */
import { SYMPTOM_CSS } from '../symptoms.js';

export const STYLE = `
:root{--ok:#1a7f37;--ok-bg:#dafbe1;--watch:#9a6700;--watch-bg:#fff8c5;--bad:#b42318;--bad-bg:#ffebe9;--suspect:#c4320a;
--ink:#1f2328;--muted:#656d76;--line:#d0d7de;--panel:#f6f8fa;--accent:#0969da;--mono:ui-monospace,"DejaVu Sans Mono","Liberation Mono",Menlo,Consolas,monospace}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI","DejaVu Sans","Liberation Sans",sans-serif;color:var(--ink);background:#fff}
main{max-width:1180px;margin:0 auto;padding:0 16px 48px}
h1,h2,h3{line-height:1.2}
h2{font-size:1.25rem;margin:2rem 0 .6rem;padding-bottom:.3rem;border-bottom:1px solid var(--line)}
h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
a{color:var(--accent)}
code,pre,.mono{font-family:var(--mono);font-size:.86em}
.muted{color:var(--muted)}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse}
th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;border-bottom:1px solid var(--line)}
th{font-weight:600;font-size:.85rem;color:var(--muted)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.verdict{margin:0 -16px;padding:20px 16px 18px;border-bottom:4px solid}
.verdict .label{font-size:.8rem;letter-spacing:.08em;text-transform:uppercase;font-weight:700}
.verdict h1{font-size:clamp(1.6rem,4.2vw,2.6rem);margin:.15rem 0 .35rem}
.verdict .meta{color:var(--muted);font-size:.9rem}
.level-healthy{background:var(--ok-bg);border-color:var(--ok)} .level-healthy .label{color:var(--ok)}
.level-failures{background:var(--watch-bg);border-color:var(--watch)} .level-failures .label{color:var(--watch)}
.level-flagged{background:var(--bad-bg);border-color:var(--bad)} .level-flagged .label{color:var(--bad)}
.level-acknowledged{background:var(--panel);border-color:var(--muted)} .level-acknowledged .label{color:var(--muted)}
.level-untrustworthy{background:var(--bad-bg);border-color:var(--bad)} .level-untrustworthy .label{color:var(--bad)}
.nights-head,.trials-head{background:var(--panel);border-color:var(--line)}
nav.nights,nav.pages{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;font-size:.9rem;margin:.6rem 0;padding:.3rem 0;border-bottom:1px solid var(--line)}
.news{display:inline-block;font-size:.72rem;font-weight:700;padding:0 .35rem;border-radius:3px;border:1px solid;vertical-align:.12em;margin-left:.3rem}
.news.new{color:#fff;background:var(--accent);border-color:var(--accent)} .news.worse{color:var(--bad);border-color:var(--bad)} .news.known{color:var(--muted);border-color:var(--line)}
.news.new::before{content:"★ "} .news.worse::before{content:"▲ "}
details.set-aside{border:1px dashed var(--muted);border-radius:6px;margin:.8rem 0;padding:.3rem .8rem}
details.set-aside>summary{cursor:pointer;font-weight:600;color:var(--muted)}
details.set-aside li{margin:.5rem 0} details.set-aside .why{font-weight:600;margin:.15rem 0} details.set-aside p{margin:.15rem 0}
.ack-exceeded{border-left:3px solid var(--bad);padding-left:.5rem}
ul.fixed li::before{content:"✓ ";color:var(--ok);font-weight:700}
ul.plain{list-style:none;margin:0;padding:0} ul.plain li{white-space:nowrap}
.health{display:inline-block;font-size:.72rem;font-weight:700;text-transform:uppercase;padding:0 .35rem;border:1px dashed var(--muted);border-radius:3px;color:var(--muted)}
tr.resting td{color:var(--muted);background:repeating-linear-gradient(135deg,#fff 0 6px,var(--panel) 6px 12px)}
.chip.f-aside{border-style:dashed;border-color:var(--muted)} .chip.f-aside::after{content:" (known)";color:var(--muted)}
table.trends td.trend-cell{text-align:center;padding:.15rem .1rem;min-width:2.6rem;border-left:1px solid #eaeef2}
table.trends td.trend-cell.began{border-left:2px dashed var(--bad)}
table.trends td.none{color:var(--muted)}
table.trends th.trend-night{font-size:.72rem;text-align:center;padding:.2rem .1rem}
table.trends th.trend-name{white-space:nowrap;color:var(--ink);font-weight:400}
table.trends tr.aside{opacity:.75}
svg.tbar{display:block;width:20px;height:36px;margin:0 auto;background:var(--panel)}
svg.tbar rect{fill:var(--bad)}
.tv{display:block;font-family:var(--mono);font-size:.72rem}
.began-label{display:block;font-size:.65rem;font-weight:700;color:var(--bad)}
table.nights td{vertical-align:top} table.nights .level{font-weight:700}
tr.night.level-flagged .level{color:var(--bad)} tr.night.level-healthy .level{color:var(--ok)} tr.night.level-failures .level{color:var(--watch)}
.small{font-size:.8rem}
.not-paged{margin-top:1.5rem}
.checks{list-style:none;padding:0;margin:0;counter-reset:check}
.checks>li{counter-increment:check;border:1px solid var(--line);border-left:6px solid var(--line);border-radius:6px;padding:.7rem .9rem .7rem 3rem;margin:.6rem 0;position:relative;break-inside:avoid}
.checks>li::before{content:counter(check);position:absolute;left:.8rem;top:.6rem;font-size:1.4rem;font-weight:700;color:var(--muted)}
.checks>li.v-bad{border-left-color:var(--bad)} .checks>li.v-suspect{border-left-color:var(--suspect)} .checks>li.v-watch{border-left-color:var(--watch)}
.checks .what{font-size:1.1rem;font-weight:650}
.checks .action{font-weight:600;margin:.35rem 0 .2rem}
.checks .action::before{content:"Next: ";color:var(--muted);font-weight:600}
.checks p{margin:.25rem 0}
.numbers{font-size:.85rem;color:var(--muted)}
.badge{display:inline-block;font-size:.72rem;font-weight:700;letter-spacing:.04em;text-transform:uppercase;padding:.05rem .4rem;border-radius:3px;border:1px solid;vertical-align:.12em}
.badge.ok{color:var(--ok);border-color:var(--ok)} .badge.watch{color:var(--watch);border-color:var(--watch);background:var(--watch-bg)}
.badge.suspect{color:#fff;background:var(--suspect);border-color:var(--suspect)} .badge.bad{color:#fff;background:var(--bad);border-color:var(--bad)}
.chip{display:inline-block;font-family:var(--mono);font-size:.8rem;padding:0 .35rem;margin:0 .2rem .15rem 0;border:1px solid var(--line);border-radius:10px;background:var(--panel);white-space:nowrap}
.chip .k{color:var(--muted)}
.chip.f-watch{border-color:var(--watch);background:var(--watch-bg)}
.chip.f-suspect,.chip.f-bad{border-color:var(--bad);background:var(--bad-bg);font-weight:700}
.chip.f-suspect::after,.chip.f-bad::after{content:" !";color:var(--bad)}
.group th{background:var(--panel);color:var(--ink);font-size:.9rem;border-top:2px solid var(--line)}
.group th .muted{font-weight:400}
.matrix td.dutcell{min-width:11rem;max-width:17rem}
.matrix td.dutcell a{font-weight:600}
.matrix .wiring{margin-top:.2rem}
.matrix td.stripcell{min-width:16rem;max-width:660px}
.matrix td.symcell{min-width:8rem}
.strip{display:inline-block;line-height:1;font-family:var(--mono);font-size:10px;white-space:nowrap}
.strip i{display:inline-block;width:7px;height:14px;margin-right:1px;font-style:normal;text-align:center;vertical-align:bottom}
.strip i.p{background:linear-gradient(to top,var(--ok) 0 4px,transparent 4px)}
.strip i.f{color:#fff;font-weight:700;line-height:14px;font-size:8px}
.strip i.part{opacity:.7}
.sym{display:inline-block;white-space:nowrap;margin-right:.5rem;font-size:.85rem}
.letter{display:inline-block;min-width:1.2em;text-align:center;color:#fff;font-family:var(--mono);font-weight:700;border-radius:2px;font-size:.8em;margin-right:.2em}
${SYMPTOM_CSS}
.s-error{background:repeating-linear-gradient(45deg,#6e7781 0 2px,#afb8c1 2px 4px);color:#24292f}
.untrusted{border-left:4px solid var(--bad);padding-left:.6rem;font-weight:600}.s-unknown{background:#6e7781}
.rate-bad{color:var(--bad);font-weight:700}.rate-warn{color:var(--watch);font-weight:600}.rate-ok{color:var(--ok)}
details.dut{border:1px solid var(--line);border-radius:6px;margin:.6rem 0;background:#fff}
details.dut>summary{cursor:pointer;padding:.55rem .8rem;font-weight:600;background:var(--panel);border-radius:6px}
details.dut[open]>summary{border-bottom:1px solid var(--line);border-radius:6px 6px 0 0}
details.dut>.body{padding:.4rem .9rem .9rem}
details.trial{border-left:3px solid var(--bad);padding-left:.6rem;margin:.8rem 0}
details.trial>summary{cursor:pointer;font-weight:600}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:12px}
figure{margin:.4rem 0}
figcaption{font-size:.82rem;color:var(--muted);margin-bottom:.2rem}
.hist svg,.timeline svg{width:100%;height:auto;max-height:320px;display:block}
.hist rect{fill:var(--accent)}
svg text{font-family:system-ui,"DejaVu Sans",sans-serif;font-size:9px;fill:var(--muted)}
svg .axis,svg .grid{stroke:var(--line);stroke-width:1}
svg line.q50{stroke:var(--ink);stroke-dasharray:3 2} svg line.q95{stroke:var(--bad);stroke-dasharray:2 2}
svg text.q95{fill:var(--bad)} svg text.q50{fill:var(--ink)}
.timeline path.pin{fill:none;stroke:var(--accent);stroke-width:1.6}
.timeline circle.edge{fill:var(--accent)}
.timeline path.tx{stroke:#8250df;stroke-width:1} .timeline path.rx{stroke:var(--ok);stroke-width:1}
.timeline text.lane{font-family:var(--mono);font-size:10px;fill:var(--ink)}
.spark{vertical-align:middle}
.nowrap{white-space:nowrap}
.spark polyline{fill:none;stroke:var(--accent);stroke-width:1.4}
.spark circle{fill:var(--bad)} .spark line.full{stroke:var(--ok-bg);stroke-width:1}
.spark line.change{stroke:var(--bad);stroke-width:1.2;stroke-dasharray:2 1.5}
table.transcript td{border-bottom:1px solid #eaeef2;padding:.15rem .4rem}
table.transcript td.t{font-family:var(--mono);font-size:.8rem;color:var(--muted);text-align:right;white-space:nowrap}
table.transcript tr.note td{color:var(--muted);font-size:.85rem}
table.transcript tr.edge td{color:#8250df;font-size:.85rem}
table.transcript tr.gap td{text-align:center;color:var(--muted);font-style:italic}
table.transcript tr.has-deviant{background:#fff5f4}
pre.hex,pre.ascii{margin:0;white-space:pre}
mark.deviant{background:var(--bad);color:#fff;border-radius:2px;padding:0 1px;font-weight:700}
mark.deviant.extra{background:#ffebe9;color:var(--bad);box-shadow:inset 0 0 0 1px var(--bad)}
pre.ascii mark.deviant{padding:0;border-radius:0}
pre.ascii mark.deviant.extra{box-shadow:none;background:#ffd8d3}
table.transcript td:nth-child(2){white-space:nowrap;color:var(--muted);font-size:.85rem}
.exp{font-family:var(--mono);font-size:.72em;color:var(--ok);vertical-align:super;margin:0 .15em}
.exp::before{content:"exp "}
.expected-note{font-family:var(--mono);font-size:.78rem;color:var(--ok)}
.missing{color:var(--bad)}
table.compare td,table.compare th{font-family:var(--mono);font-size:.82rem;padding:.15rem .35rem;text-align:center}
table.compare th:first-child{text-align:right}
.detail{background:var(--panel);border-radius:4px;padding:.35rem .6rem;font-size:.9rem;overflow-wrap:anywhere}
dl.env{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}
dl.env dt{color:var(--muted)} dl.env dd{margin:0;overflow-wrap:anywhere}
.legend{font-size:.85rem;color:var(--muted)}
footer{margin-top:2rem;font-size:.8rem;color:var(--muted)}
nav.toc{font-size:.9rem;margin:.6rem 0} nav.toc a{margin-right:.8rem;white-space:nowrap;display:inline-block}
ul.watch li{margin:.25rem 0}
@media (max-width:640px){
 body{font-size:14px} main{padding:0 10px 32px} .verdict{margin:0 -10px;padding:14px 10px}
 .checks>li{padding-left:2.4rem} .matrix td.stripcell{min-width:10rem} .strip{white-space:normal}
 dl.env{grid-template-columns:1fr} dl.env dt{margin-top:.4rem}
}
@media print{
 body{font-size:10.5pt} main{max-width:none;padding:0} nav.toc{display:none}
 .verdict{margin:0;-webkit-print-color-adjust:exact;print-color-adjust:exact}
 .letter,.strip i,mark.deviant,.badge,.chip,.news,svg.tbar{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 nav.nights,nav.pages{display:none}
 details>summary{list-style:none}
 details::details-content{content-visibility:visible;display:block}
 details:not([open])>*:not(summary){display:block}
 details.dut,.checks>li,figure,tr{break-inside:avoid}
 .scroll{overflow:visible} a{color:inherit;text-decoration:none}
 @page{margin:12mm}
}
`;
