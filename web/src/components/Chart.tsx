/** Small hand-drawn SVG charts: bars or a line over labelled buckets, with a text table for screen readers. */
export interface Point {
  label: string;
  value: number;
}

const W = 640;
const H = 200;
const PAD = { top: 12, right: 8, bottom: 28, left: 48 };

function scale(points: Point[]) {
  const max = Math.max(1, ...points.map((p) => p.value));
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const step = innerW / Math.max(points.length, 1);
  return {
    max,
    step,
    x: (i: number) => PAD.left + i * step,
    y: (v: number) => PAD.top + innerH - (v / max) * innerH,
    base: PAD.top + innerH,
  };
}

/** Every nth label, so labels never overlap. */
const labelEvery = (n: number) => Math.max(1, Math.ceil(n / 8));

export function Chart({
  title,
  points,
  kind = 'bars',
  format = String,
}: {
  title: string;
  points: Point[];
  kind?: 'bars' | 'line';
  format?: (v: number) => string;
}) {
  const s = scale(points);
  const every = labelEvery(points.length);
  const path = points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${(s.x(i) + s.step / 2).toFixed(1)},${s.y(p.value).toFixed(1)}`)
    .join(' ');
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: chart, values in the table below`}>
        <line x1={PAD.left} x2={W - PAD.right} y1={s.base} y2={s.base} className="axis" />
        <text x={PAD.left - 6} y={PAD.top + 4} textAnchor="end" className="tick">
          {format(s.max)}
        </text>
        <text x={PAD.left - 6} y={s.base} textAnchor="end" className="tick">
          0
        </text>
        {kind === 'bars' &&
          points.map((p, i) => (
            <rect
              key={p.label}
              x={s.x(i) + s.step * 0.15}
              width={s.step * 0.7}
              y={s.y(p.value)}
              height={s.base - s.y(p.value)}
              className="bar"
            >
              <title>{`${p.label}: ${format(p.value)}`}</title>
            </rect>
          ))}
        {kind === 'line' && points.length > 0 && <path d={path} className="line" fill="none" />}
        {points.map((p, i) =>
          i % every === 0 ? (
            <text key={p.label} x={s.x(i) + s.step / 2} y={H - 8} textAnchor="middle" className="tick">
              {p.label}
            </text>
          ) : null,
        )}
      </svg>
      <details>
        <summary>Show as a table</summary>
        <table>
          <tbody>
            {points.map((p) => (
              <tr key={p.label}>
                <th scope="row">{p.label}</th>
                <td>{format(p.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
