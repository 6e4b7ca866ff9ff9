// Machine facts and the Markdown rendering of bench/report.json.
import { cpus, loadavg, totalmem, release, platform } from 'node:os';

export function machine() {
  const c = cpus();
  return {
    cpu_model: c[0]?.model?.trim() ?? 'unknown',
    cores: c.length,
    memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    load_average_1m_at_start: Math.round(loadavg()[0] * 100) / 100,
  };
}

const cell = (x) => (x === null || x === undefined ? '–' : String(x).replace(/\|/g, '\\|'));
const verdict = (pass) => (pass === true ? 'pass' : pass === false ? '**FAIL**' : '–');

export function renderMarkdown(report) {
  const m = report.machine;
  const lines = [
    '# wash benchmark report',
    '',
    `Written by \`npm run bench${report.quick ? ' -- --quick' : ''}\` on ${report.date}. Every ratio is against a baseline measured in the same run.`,
    report.quick
      ? '\n**Quick mode**: smaller sizes and fewer rounds, to check the harness; the figures are not the real measurements.\n'
      : '',
    `Machine: ${m.cpu_model}, ${m.cores} cores, ${m.memory_gb} GB, ${m.os}, Node ${m.node}; 1-minute load average ${m.load_average_1m_at_start} at start, ${m.load_average_1m_at_end ?? '–'} at end.`,
    report.note ? `\n${report.note}\n` : '',
    '',
    '| module | figure | value | unit | baseline | ratio | target | result |',
    '|---|---|---:|---|---|---:|---|---|',
  ];
  for (const mod of report.modules) {
    if (mod.error) {
      lines.push(`| ${cell(mod.name)} | *did not run* | – | – | – | – | – | ${cell(mod.error.slice(0, 200))} |`);
      continue;
    }
    for (const r of mod.rows) {
      const baseline = r.baseline === null ? '–' : `${r.baseline} (${r.baseline_name ?? 'baseline'})`;
      lines.push(
        `| ${cell(mod.name)} | ${cell(r.name)} | ${cell(r.value)} | ${cell(r.unit)} | ${cell(baseline)} | ${cell(r.ratio)} | ${cell(r.target)} | ${verdict(r.pass)} |`,
      );
    }
  }
  const rows = report.modules.flatMap((x) => x.rows ?? []);
  const failed = rows.filter((r) => r.pass === false).length;
  const passed = rows.filter((r) => r.pass === true).length;
  lines.push(
    '',
    `${passed} targets met, ${failed} missed, ${rows.length - passed - failed} figures without a target; ${report.modules.filter((x) => x.error).length} modules did not run.`,
  );
  lines.push(
    '',
    'Raw results of every module (samples, per-round figures) are in `bench/report.json` under `modules[].details`.',
    '',
  );
  return lines.filter((l, i, a) => !(l === '' && a[i - 1] === '')).join('\n');
}
