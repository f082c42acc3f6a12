/// The report's stylesheet: inline, no web fonts, print-friendly.
enum ReportStyle {
    static let css = """
    :root{--fg:#0f172a;--muted:#475569;--line:#e2e8f0;--bg:#f8fafc;--card:#fff;--ok:#15803d;--warn:#b45309;--bad:#b91c1c;--info:#1d4ed8}
    *{box-sizing:border-box}
    html{-webkit-text-size-adjust:100%}
    body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
    header.top{background:#0f172a;color:#f8fafc;padding:22px 0 18px}
    header.top h1{margin:0;font-size:24px;letter-spacing:.2px}
    header.top .sub{color:#cbd5e1;font-size:13px;margin-top:4px}
    header.top code{color:#e2e8f0;background:#1e293b;padding:1px 6px;border-radius:4px;word-break:break-all}
    .wrap{max-width:1180px;margin:0 auto;padding:0 20px}
    nav.toc{position:sticky;top:0;z-index:2;background:#fffffff2;border-bottom:1px solid var(--line);backdrop-filter:blur(4px)}
    nav.toc .wrap{display:flex;gap:4px 18px;flex-wrap:wrap;padding-top:8px;padding-bottom:8px}
    nav.toc a{color:var(--muted);text-decoration:none;font-size:13px;font-weight:500}
    nav.toc a:hover{color:var(--fg)}
    main{padding:18px 0 40px}
    section.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin:0 0 18px;box-shadow:0 1px 2px #0f172a0d}
    section.card h2{font-size:18px;margin:0 0 4px}
    section.card h3{font-size:15px;margin:18px 0 4px}
    p.lede{color:var(--muted);margin:0 0 12px;font-size:14px}
    .kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(165px,1fr));gap:12px;margin:4px 0 6px}
    .kpi{border:1px solid var(--line);border-radius:8px;padding:10px 12px;background:#fcfdff}
    .kpi .label{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.4px}
    .kpi .value{font-size:22px;font-weight:650;font-variant-numeric:tabular-nums;margin-top:2px}
    .kpi .detail{font-size:12px;color:var(--muted)}
    .kpi.ok .value{color:var(--ok)}.kpi.bad .value{color:var(--bad)}.kpi.warn .value{color:var(--warn)}
    dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:12px 0 0;font-size:13px}
    dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;word-break:break-word}
    ul.findings{list-style:none;margin:0;padding:0}
    ul.findings li{display:flex;gap:12px;align-items:flex-start;padding:10px 0;border-top:1px solid var(--line)}
    ul.findings li:first-child{border-top:0}
    .badge{display:inline-block;font-size:11px;font-weight:700;text-transform:uppercase;letter-spacing:.5px;padding:2px 8px;border-radius:999px;white-space:nowrap;margin-top:2px}
    .badge.critical,.badge.fail{background:#fee2e2;color:var(--bad)}
    .badge.warning{background:#fef3c7;color:var(--warn)}
    .badge.info{background:#dbeafe;color:var(--info)}
    .badge.pass{background:#dcfce7;color:var(--ok)}
    .finding .sentence{font-size:15px}
    .numbers{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}
    .numbers span{font-size:12px;background:#f1f5f9;border-radius:4px;padding:1px 7px;color:#334155;font-variant-numeric:tabular-nums}
    figure{margin:8px 0 6px}
    figure figcaption{font-size:13px;color:var(--muted);margin-bottom:4px}
    svg.chart{display:block;width:100%;height:auto;overflow:visible}
    svg.chart.compact{display:none}
    svg.chart.compact text{font-size:15.5px}svg.chart.compact .axis-label{font-size:15px}svg.chart.compact .marker-label{font-size:14px}
    svg.chart text{font-size:12px;fill:#475569;font-family:inherit}
    svg.chart .axis-label{font-size:12px;fill:#334155;font-weight:600}
    svg.chart .grid line{stroke:#e2e8f0;stroke-width:1}
    svg.chart .baseline,svg.chart .tick{stroke:#94a3b8;stroke-width:1}
    svg.chart .marker-label{font-size:11px;font-weight:600}
    ul.legend{list-style:none;display:flex;flex-wrap:wrap;gap:4px 16px;margin:2px 0 4px;padding:0;font-size:13px;color:#334155}
    ul.legend li{display:flex;align-items:center;gap:6px}
    ul.legend .swatch{display:inline-block;width:22px;height:0;border-top-width:3px;border-top-style:solid}
    ul.legend .swatch.dashed{border-top-style:dashed}
    ul.legend .swatch.dotted{border-top-style:dotted}
    ul.legend .swatch.area{height:10px;border:0;border-radius:2px}
    .table-wrap{overflow-x:auto;margin:8px 0 4px}
    table{border-collapse:collapse;width:100%;font-size:13px}
    th,td{padding:6px 9px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
    th{font-size:12px;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.3px;white-space:nowrap;background:#f8fafc}
    td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
    td.route{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;word-break:break-all}
    tr.chosen td{background:#f5f3ff;font-weight:600}
    .bar{position:relative;min-width:70px}
    .bar i{position:absolute;left:0;top:25%;height:50%;background:#fed7aa;border-radius:2px}
    .bar span{position:relative}
    .worse{color:var(--bad);font-weight:600}.better{color:var(--ok)}.ok{color:var(--ok)}.bad{color:var(--bad)}
    p.empty{margin:6px 0;padding:14px;border:1px dashed #cbd5e1;border-radius:8px;color:var(--muted);background:#f8fafc;font-size:14px}
    p.note{font-size:12px;color:var(--warn);margin:2px 0 8px}
    footer{color:var(--muted);font-size:12px;padding:0 0 30px}
    @media screen and (max-width:700px){svg.chart.wide{display:none}svg.chart.compact{display:block}}
    @media (max-width:640px){body{font-size:14px}section.card{padding:14px}.kpi .value{font-size:19px}}
    @media print{body{background:#fff;font-size:12px}nav.toc{display:none}header.top{background:#fff;color:#000;border-bottom:2px solid #000}header.top .sub{color:#333}header.top code{background:none;color:#000}section.card{box-shadow:none;break-inside:avoid;page-break-inside:avoid;border-color:#ccc}figure{break-inside:avoid}.wrap{max-width:none}}
    """
}
