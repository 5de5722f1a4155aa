/**
 * When each response chunk arrived, as ticks on a strip from the request start to its end,
 * with the first-token marker. One SVG path for all ticks: thousands of chunks stay cheap.
 */
import { formatDuration } from "../../format";
import { formatCount } from "../../detail-model/numbers";

const W = 1000;
const H = 20;

export function ChunkTimeline({ offsets, total, ttft }: { offsets: readonly number[]; total: number; ttft?: number }) {
  if (offsets.length === 0 || !(total > 0)) return null;
  const x = (ms: number) => Math.max(0, Math.min(W, (ms / total) * W)).toFixed(1);
  let path = "";
  for (const o of offsets) path += `M${x(o)} 3V${H - 3}`;
  let gap = 0;
  for (let i = 1; i < offsets.length; i++) gap = Math.max(gap, offsets[i]! - offsets[i - 1]!);
  const summary = `${formatCount(offsets.length)} chunks · first +${formatDuration(offsets[0]!)} · last +${formatDuration(offsets.at(-1)!)}${offsets.length > 1 ? ` · longest gap ${formatDuration(gap)}` : ""}`;
  return (
    <figure class="dt-chunks">
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={`Chunk arrival times: ${summary}`}>
        <rect class="dt-chunks-track" x="0" y="0" width={W} height={H} />
        {ttft !== undefined && <rect class="dt-chunks-wait" x="0" y="0" width={x(ttft)} height={H} />}
        <path class="dt-chunks-ticks" d={path} vector-effect="non-scaling-stroke" />
        {ttft !== undefined && <path class="dt-chunks-ttft" d={`M${x(ttft)} 0V${H}`} vector-effect="non-scaling-stroke" />}
      </svg>
      <div class="dt-chunks-axis">
        <span>0</span>
        {ttft !== undefined && (
          <span class="dt-chunks-ttft-label" style={{ left: `${(ttft / total) * 100}%` }}>
            TTFT
          </span>
        )}
        <span>{formatDuration(total)}</span>
      </div>
      <figcaption class="dt-muted">{summary}</figcaption>
    </figure>
  );
}
