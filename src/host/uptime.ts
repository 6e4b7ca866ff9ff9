/**
 * Whole seconds rendered the way Rust's `humantime::format_duration` does it (`1day 2h 3m 4s`), which is
 * what v1 hosts put in `uptime_human`.
 */
export function humanDuration(totalSeconds: number): string {
  let rest = Math.max(0, Math.floor(totalSeconds));
  if (rest === 0) return '0s';
  const units: Array<[number, string, string]> = [
    [31_557_600, 'year', 'years'],
    [2_630_016, 'month', 'months'],
    [86_400, 'day', 'days'],
    [3_600, 'h', 'h'],
    [60, 'm', 'm'],
    [1, 's', 's'],
  ];
  const parts: string[] = [];
  for (const [size, one, many] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n}${n === 1 ? one : many}`);
  }
  return parts.join(' ');
}
