// SPDX-License-Identifier: MIT
// ECharts, tree-shaken to the charts the UI draws, and the option builders shared by the
// dashboard and the wall screen: coverage bars with the target line, samples per hour, the
// 采送检报 funnel, the transmission graph, and the regime board's done / due / overdue bars.
// ECharts puts a tooltip formatter's answer into the page as HTML: every tooltip here is built with
// lines() (html.js), which escapes each line, so names from the data are shown, never run.
import * as echarts from 'echarts/core'
import { BarChart, LineChart, FunnelChart, GraphChart } from 'echarts/charts'
import {
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
  DataZoomComponent,
} from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'
import { t, fmt } from './i18n.js'
import { lines } from './html.js'

echarts.use([
  BarChart,
  LineChart,
  FunnelChart,
  GraphChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
  DataZoomComponent,
  CanvasRenderer,
])

export { echarts }

export const colors = {
  ok: '#2e7d32',
  below: '#d32f2f',
  line: '#1565c0',
  case: '#d32f2f',
  close: '#f57c00',
  secondary: '#fbc02d',
  companion: '#1e88e5',
  due: '#f9a825',
}

function palette(dark) {
  return dark
    ? { text: '#dbe7ff', axis: '#5a6f96', split: '#1f3257', target: '#ffd54f' }
    : { text: '#37474f', axis: '#90a4ae', split: '#eceff1', target: '#e65100' }
}

/* The rows a coverage chart shows: all of them in code order while they fit (max), else the lowest
 * coverage first — with 130 townships the ones to act on are the ones below target — and on the
 * wall screen, which cannot scroll, only the first max of those. */
/* About how wide a label is drawn, in px: a CJK character a full em, others about six tenths. */
function labelPx(s, font) {
  let w = 0
  for (const ch of String(s ?? '')) w += ch.codePointAt(0) >= 0x2e80 ? font : font * 0.6
  return w
}

/* Whether category labels need slanting to sit side by side in about width px (the plot of a
 * half-width card is about 420 px at 1280): township names such as 榆次区第1街道 run into each
 * other upright long before there are many of them. Labels past max are cut anyway (width). */
export function slantLabels(labels, font, width, max = 90) {
  const widest = labels.reduce((m, s) => Math.max(m, Math.min(max, labelPx(s, font))), 0)
  return labels.length * (widest + 8) > width
}

export function chartRows(rows, max, { cut = false } = {}) {
  if (rows.length <= max) return { rows, lowest: false }
  const sorted = [...rows].sort((a, b) => (a.coverage ?? 2) - (b.coverage ?? 2))
  return { rows: cut ? sorted.slice(0, max) : sorted, lowest: true }
}

/* Coverage rows (region,name,residents,sampled,coverage) as bars in per cent, red below target,
 * with the target as a dashed line; over 24 bars a slider shows 20 at a time. */
export function coverageBars(rows, target, { dark = false, big = false } = {}) {
  const p = palette(dark)
  const n = rows.length
  const font = big ? 18 : 12
  const zoom = n > 24
  const rotate = slantLabels(
    rows.slice(0, zoom ? 20 : n).map((r) => r.name),
    font,
    big ? 640 : 420,
    big ? 130 : 90,
  )
  /* narrow bars carry their value upright, so the wall screen can use a readable size */
  const upright = n > (big ? 6 : 12)
  const pct = (c) => (c === null || c === undefined ? null : Math.round(c * 10000) / 100)
  return {
    textStyle: { color: p.text, fontSize: font },
    grid: { left: big ? 70 : 48, right: big ? 120 : 78, top: 34, bottom: (rotate ? (big ? 110 : 80) : big ? 50 : 36) + (zoom ? 26 : 0) },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter(items) {
        const r = rows[items[0].dataIndex]
        return lines(
          `${r.name} (${r.region})`,
          `${t('coverage')}: ${fmt.pct(r.coverage)}`,
          `${t('sampled')}: ${fmt.int(r.sampled)} / ${t('residents')}: ${fmt.int(r.residents)}`,
        )
      },
    },
    dataZoom: zoom ? [{ type: 'slider', height: 16, bottom: 4, startValue: 0, endValue: 19, brushSelect: false }] : [],
    xAxis: {
      type: 'category',
      data: rows.map((r) => r.name),
      axisLabel: {
        color: p.text,
        fontSize: font,
        rotate: rotate ? 35 : 0,
        interval: 0,
        width: big ? 130 : 90,
        overflow: 'truncate',
      },
      axisLine: { lineStyle: { color: p.axis } },
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: 100,
      axisLabel: { color: p.text, fontSize: font, formatter: '{value} %' },
      splitLine: { lineStyle: { color: p.split } },
    },
    series: [
      {
        type: 'bar',
        name: t('coverage'),
        barMaxWidth: big ? 64 : 40,
        /* the value sits inside the foot of the bar, clear of the target line near the tops,
         * unless the bar is too short to hold it */
        data: rows.map((r) => ({
          value: pct(r.coverage),
          itemStyle: { color: r.coverage !== null && r.coverage * 100 < target ? colors.below : colors.ok },
          label:
            r.coverage === null || r.coverage < 0.2
              ? {}
              : upright
                ? { position: 'insideBottom', color: '#fff', distance: 10, rotate: 90, align: 'left', verticalAlign: 'middle', fontSize: big ? 18 : 11 }
                : { position: 'insideBottom', color: '#fff', distance: 8 },
        })),
        label: {
          show: n <= 24,
          position: 'top',
          color: p.text,
          fontSize: big ? (n > 6 ? 13 : 16) : n > 12 ? 9 : 11,
          formatter: (x) => (x.value === null ? '' : `${x.value.toFixed(2)}`),
        },
        markLine: {
          symbol: 'none',
          silent: true,
          lineStyle: { color: p.target, type: 'dashed', width: 2 },
          label: { formatter: `${t('target')} ${target} %`, color: p.target, fontSize: font, position: 'end' },
          data: [{ yAxis: target }],
        },
      },
    ],
  }
}

/* hourly rows (hour,samples) as a line; the label is the hour of day, with the date at midnight
 * and at the first point. */
export function hourlyLine(rows, { dark = false, big = false } = {}) {
  const p = palette(dark)
  const font = big ? 18 : 12
  const labels = rows.map((r, i) => {
    const s = String(r.hour)
    const hm = s.slice(11, 16)
    return i === 0 || hm === '00:00' ? `${s.slice(5, 10)}\n${hm}` : hm
  })
  return {
    textStyle: { color: p.text, fontSize: font },
    grid: { left: big ? 70 : 48, right: 24, top: 24, bottom: big ? 64 : 48 },
    tooltip: {
      trigger: 'axis',
      formatter(items) {
        const r = rows[items[0].dataIndex]
        return lines(fmt.time(r.hour), `${t('samples')}: ${fmt.int(r.samples)}`)
      },
    },
    xAxis: {
      type: 'category',
      data: labels,
      boundaryGap: false,
      axisLabel: { color: p.text, fontSize: font },
      axisLine: { lineStyle: { color: p.axis } },
    },
    yAxis: {
      type: 'value',
      axisLabel: { color: p.text, fontSize: font },
      splitLine: { lineStyle: { color: p.split } },
    },
    series: [
      {
        type: 'line',
        name: t('samples'),
        data: rows.map((r) => r.samples),
        smooth: true,
        showSymbol: rows.length <= 30,
        showAllSymbol: true,
        lineStyle: { color: colors.line, width: big ? 4 : 2 },
        itemStyle: { color: colors.line },
        areaStyle: { color: dark ? 'rgba(66,165,245,.25)' : 'rgba(21,101,192,.12)' },
      },
    ],
  }
}

/* The 采送检报 funnel of a tat (total) row: tubes sampled → received → resulted, in that order.
 * `received` counts tubes with a receipt time or a result, so it is never below resulted; the
 * check stays for answers of older servers. */
export function tatFunnel(total, { dark = false, big = false } = {}) {
  const p = palette(dark)
  const data = [{ name: t('tubes'), value: total.tubes, itemStyle: { color: '#1565c0' } }]
  /* 送检: only when recorded (null: the samples carry no shipped times, which is not 0) */
  if (total.shipped !== null && total.shipped !== undefined)
    data.push({ name: t('lists.shipped'), value: total.shipped, itemStyle: { color: '#5e35b1' } })
  if (total.received >= total.resulted)
    data.push({ name: t('received'), value: total.received, itemStyle: { color: '#00838f' } })
  data.push({ name: t('resulted'), value: total.resulted, itemStyle: { color: '#2e7d32' } })
  return {
    textStyle: { color: p.text },
    /* confined: an item tooltip outside the chart gets an arrow with an inline style, which the
     * server's Content-Security-Policy (style-src 'self') refuses */
    tooltip: { trigger: 'item', confine: true, formatter: (x) => lines(`${x.name}: ${fmt.int(x.value)}`) },
    series: [
      {
        type: 'funnel',
        sort: 'none',
        left: '8%',
        width: '84%',
        top: 10,
        bottom: 10,
        min: 0,
        max: Math.max(1, total.tubes),
        minSize: '4%',
        gap: 4,
        label: { show: true, position: 'inside', formatter: '{b}  {c}', color: '#fff', fontSize: big ? 24 : 14, fontWeight: 600 },
        data,
      },
    ],
  }
}

/* The transmission graph of /api/v1/chain: force layout, one colour per category. */
export function chainGraph(chain, { dark = false, focus = '', label = (n) => n.name, via = fmt.via } = {}) {
  const p = palette(dark)
  const cats = ['case', 'close', 'secondary', 'companion']
  const n = chain.nodes.length
  const many = n > 80
  return {
    textStyle: { color: p.text },
    color: cats.map((c) => colors[c]),
    tooltip: {
      confine: true /* no arrow, whose inline style the CSP refuses (tatFunnel) */,
      formatter(x) {
        if (x.dataType === 'edge') return lines(via(x.data.via), fmt.time(x.data.exposure))
        return lines(`${x.data.display} ${/^\(?outside/.test(x.data.name) ? '' : x.data.name}`, t('cat.' + x.data.cat))
      },
    },
    legend: { data: cats.map((c) => t('cat.' + c)), textStyle: { color: p.text }, top: 4 },
    series: [
      {
        type: 'graph',
        layout: 'force',
        roam: true,
        draggable: true,
        animation: false,
        top: 40,
        /* A big graph is laid out tighter, shown zoomed out so all of it starts in view, and
         * laid out frame by frame: computed in one go it would hang the page for seconds. */
        zoom: many ? Math.max(0.5, Math.sqrt(80 / n)) : 1,
        force: many
          ? { repulsion: 40, edgeLength: 18, gravity: 0.25, layoutAnimation: true, friction: 0.2 }
          : { repulsion: 200, edgeLength: [50, 90], gravity: 0.1, layoutAnimation: false },
        categories: cats.map((c) => ({ name: t('cat.' + c) })),
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 6,
        lineStyle: { color: dark ? '#6b7fa6' : '#90a4ae', width: 1.2, opacity: 0.9 },
        emphasis: { focus: 'adjacency' },
        label: { show: true, position: 'right', color: p.text, fontSize: 10, formatter: (x) => x.data.display },
        data: chain.nodes.map((n) => ({
          name: n.id,
          display: label(n),
          cat: n.category,
          category: Math.max(0, cats.indexOf(n.category)),
          symbolSize: n.category === 'case' ? 26 : n.category === 'close' ? 16 : 11,
          label: { show: n.category === 'case' || !many, fontSize: n.category === 'case' ? 13 : 10 },
          itemStyle: n.id === focus ? { borderColor: dark ? '#fff' : '#000', borderWidth: 2 } : undefined,
        })),
        links: chain.edges.map((e) => ({ source: e.from, target: e.to, via: e.via, exposure: e.exposure })),
      },
    ],
  }
}

/* Regime board rows (region,name,persons,done,due,overdue) as stacked bars of tests: done, due
 * and overdue; over 24 regions a slider shows 20 at a time. */
export function regimeBars(rows, { dark = false } = {}) {
  const p = palette(dark)
  const n = rows.length
  const zoom = n > 24
  const rotate = slantLabels(
    rows.slice(0, zoom ? 20 : n).map((r) => r.name),
    12,
    420,
  )
  const series = [
    ['done', colors.ok],
    ['due', colors.due],
    ['overdue', colors.below],
  ].map(([k, color]) => ({
    type: 'bar',
    name: t('state.' + k),
    stack: 'tests',
    barMaxWidth: 40,
    itemStyle: { color },
    data: rows.map((r) => r[k]),
  }))
  return {
    textStyle: { color: p.text },
    legend: { top: 0, textStyle: { color: p.text } },
    grid: { left: 48, right: 24, top: 34, bottom: (rotate ? 80 : 36) + (zoom ? 26 : 0) },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter(items) {
        const r = rows[items[0].dataIndex]
        return lines(
          `${r.name} (${r.region})`,
          `${t('reg.persons')}: ${fmt.int(r.persons)}`,
          `${t('state.done')}: ${fmt.int(r.done)} · ${t('state.due')}: ${fmt.int(r.due)} · ` +
            `${t('state.overdue')}: ${fmt.int(r.overdue)}`,
        )
      },
    },
    dataZoom: zoom ? [{ type: 'slider', height: 16, bottom: 4, startValue: 0, endValue: 19, brushSelect: false }] : [],
    xAxis: {
      type: 'category',
      data: rows.map((r) => r.name),
      axisLabel: { color: p.text, rotate: rotate ? 35 : 0, interval: 0, width: 90, overflow: 'truncate' },
      axisLine: { lineStyle: { color: p.axis } },
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { color: p.text },
      splitLine: { lineStyle: { color: p.split } },
    },
    series,
  }
}

/* The day's gate checks by hour (/api/v1/gates?by=hour): green, yellow and red stacked, and the
 * ID numbers a gate could not read on top. */
export function gateBars(rows, { dark = false } = {}) {
  const p = palette(dark)
  const series = [
    ['green', colors.ok],
    ['yellow', colors.due],
    ['red', colors.below],
    ['bad', '#9e9e9e'],
  ].map(([k, color]) => ({
    type: 'bar',
    name: t('gate.' + k),
    stack: 'checks',
    barMaxWidth: 28,
    itemStyle: { color },
    data: rows.map((r) => r[k]),
  }))
  return {
    animation: false, /* redrawn every 15 s while today's checks come in */
    textStyle: { color: p.text },
    legend: { top: 0, textStyle: { color: p.text } },
    grid: { left: 56, right: 24, top: 34, bottom: 30 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: {
      type: 'category',
      data: rows.map((r) => String(r.hour).slice(11, 16)),
      axisLabel: { color: p.text },
      axisLine: { lineStyle: { color: p.axis } },
    },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { color: p.text }, splitLine: { lineStyle: { color: p.split } } },
    series,
  }
}

/* The pace of a round (issue 21): hours rows of /rounds/ROUND/pace?view=hours&by=round
 * (hour,planned,sampled,planned_total,sampled_total) as the planned and the actual residents
 * sampled so far, hour by hour; the actual line stops at the hour holding now, and the coverage
 * target (target % of residents) is a dashed line. */
export function paceLine(rows, residents, target, { dark = false, big = false } = {}) {
  const p = palette(dark)
  const font = big ? 18 : 12
  const labels = rows.map((r, i) => {
    const s = String(r.hour)
    const hm = s.slice(11, 16)
    return i === 0 || hm === '00:00' ? `${s.slice(5, 10)}\n${hm}` : hm
  })
  const goal = Math.ceil((residents * target) / 100)
  return {
    textStyle: { color: p.text, fontSize: font },
    grid: { left: big ? 76 : 64, right: big ? 124 : 84, top: 40, bottom: big ? 64 : 48 },
    legend: { top: 0, textStyle: { color: p.text, fontSize: font } },
    tooltip: {
      trigger: 'axis',
      formatter(items) {
        const r = rows[items[0].dataIndex]
        return lines(
          fmt.time(r.hour),
          `${t('pace.planned')}: ${fmt.int(r.planned_total)} (+${fmt.int(r.planned)})`,
          r.sampled_total === null || r.sampled_total === undefined
            ? `${t('pace.actual')}: —`
            : `${t('pace.actual')}: ${fmt.int(r.sampled_total)} (+${fmt.int(r.sampled)})`,
        )
      },
    },
    xAxis: {
      type: 'category',
      data: labels,
      boundaryGap: false,
      axisLabel: { color: p.text, fontSize: font },
      axisLine: { lineStyle: { color: p.axis } },
    },
    yAxis: {
      type: 'value',
      axisLabel: { color: p.text, fontSize: font },
      splitLine: { lineStyle: { color: p.split } },
    },
    series: [
      {
        type: 'line',
        name: t('pace.planned'),
        data: rows.map((r) => r.planned_total),
        showSymbol: false,
        lineStyle: { color: p.axis, width: big ? 3 : 2, type: 'dashed' },
        itemStyle: { color: p.axis },
      },
      {
        type: 'line',
        name: t('pace.actual'),
        data: rows.map((r) => r.sampled_total),
        showSymbol: rows.length <= 30,
        lineStyle: { color: colors.line, width: big ? 4 : 2 },
        itemStyle: { color: colors.line },
        areaStyle: { color: dark ? 'rgba(66,165,245,.25)' : 'rgba(21,101,192,.12)' },
        markLine: {
          symbol: 'none',
          silent: true,
          lineStyle: { color: p.target, type: 'dashed', width: 2 },
          label: { color: p.target, fontSize: font, formatter: `${t('target')} ${target} %` },
          data: [{ yAxis: goal }],
        },
      },
    ],
  }
}
