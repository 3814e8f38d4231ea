// The flow picture of the journey map: a Sankey diagram from first-touch channel through the
// phases to the outcome, drawn by Apache ECharts on the server (its SVG renderer in SSR mode), so
// the page needs no script and no build step to show it.
import * as echarts from 'echarts'
import { phaseColor } from './colors.mjs'

const OUTCOME_COLORS = { converted: '#10b981', 'not converted': '#94a3b8' }

/**
 * The SVG of the flow, `width` × `height` CSS pixels. `flow` is `journeyMap().flow`;
 * `phases` orders the phase columns. Returns an empty string when there is nothing to draw.
 */
export function flowSvg(flow, phases, { width = 800, height = 360 } = {}) {
  if (!flow.links.length) return ''
  const present = phases.filter((phase) => flow.nodes.some((node) => node.kind === 'phase' && node.name === phase))
  const depthOf = (node) => (node.kind === 'channel' ? 0 : node.kind === 'phase' ? 1 + present.indexOf(node.name) : 1 + present.length)
  const colorOf = (node) => (node.kind === 'phase' ? phaseColor(node.name) : node.kind === 'outcome' ? OUTCOME_COLORS[node.name] ?? '#94a3b8' : '#475569')
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height })
  try {
    chart.setOption({
      animation: false,
      series: [
        {
          type: 'sankey',
          left: 8,
          right: 122,
          top: 10,
          bottom: 10,
          nodeWidth: 14,
          nodeGap: 12,
          draggable: false,
          layoutIterations: 32,
          data: flow.nodes.map((node) => ({ name: node.id, depth: depthOf(node), itemStyle: { color: colorOf(node), borderWidth: 0 } })),
          links: flow.links,
          label: {
            fontSize: 13,
            color: '#0f172a',
            // Node ids carry their column (`phase:decision`); show the name and the visitors.
            formatter: ({ name, value }) => `${name.slice(name.indexOf(':') + 1)}  ${value}`,
          },
          lineStyle: { color: 'gradient', opacity: 0.35, curveness: 0.5 },
          emphasis: { disabled: true },
        },
      ],
    })
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}
