import uPlot from 'uplot';
import type { History } from '../../lib/app/api/schemas';

const ACCENT = '#1d4ed8';
const INK = '#374151';
const GRID = '#e5e7eb';
const HISTORY_HEIGHT = 240;

/** The element a chart was drawn into keeps its uPlot instance, for the browser tests and the console. */
export type ChartHost = HTMLElement & { uplot?: uPlot };

const timesAndScores = (history: History): uPlot.AlignedData => [
  history.map((point) => Date.parse(`${point.date}T00:00:00Z`) / 1000),
  history.map((point) => point.score),
];

const utcDate = (seconds: number): Date => {
  // uPlot formats axis labels in local time; shifting by the offset shows the UTC day the point is for.
  const date = new Date(seconds * 1000);
  return new Date(date.getTime() + date.getTimezoneOffset() * 60_000);
};

/** A tiny line of the last days' scores, for leaderboard rows: no axes, no cursor. */
export const drawSparkline = (host: ChartHost, history: History): void => {
  host.uplot?.destroy();
  host.uplot = new uPlot(
    {
      width: 96,
      height: 28,
      padding: [3, 2, 3, 2],
      legend: { show: false },
      cursor: { show: false },
      select: { show: false, left: 0, top: 0, width: 0, height: 0 },
      scales: { x: { time: true } },
      axes: [{ show: false }, { show: false }],
      series: [{}, { stroke: ACCENT, width: 1.5, points: { show: false } }],
    },
    timesAndScores(history),
    host,
  );
};

const followed = new WeakSet<ChartHost>();
const chartWidth = (host: ChartHost) => Math.max(260, host.clientWidth);

/** The score history of an account in one topic, sized to its container and following its width. */
export const drawHistoryChart = (host: ChartHost, history: History): void => {
  host.uplot?.destroy();
  host.uplot = new uPlot(
    {
      width: chartWidth(host),
      height: HISTORY_HEIGHT,
      tzDate: utcDate,
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: [0, 100] } },
      axes: [
        { stroke: INK, grid: { stroke: GRID }, ticks: { stroke: GRID } },
        { stroke: INK, grid: { stroke: GRID }, ticks: { stroke: GRID }, size: 40 },
      ],
      series: [
        { label: 'Day', value: (_, seconds) => (seconds == null ? '–' : utcDate(seconds).toLocaleDateString('en', { dateStyle: 'medium' })) },
        {
          label: 'Score',
          stroke: ACCENT,
          width: 2,
          fill: 'rgba(29, 78, 216, 0.08)',
          points: { show: true, size: 5 },
          value: (_, score) => (score == null ? '–' : score.toFixed(1)),
        },
      ],
    },
    timesAndScores(history),
    host,
  );
  if (!followed.has(host)) {
    followed.add(host);
    new ResizeObserver(() => host.uplot?.setSize({ width: chartWidth(host), height: HISTORY_HEIGHT })).observe(host);
  }
};
