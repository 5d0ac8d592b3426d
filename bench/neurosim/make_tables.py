#!/usr/bin/env python3
"""Print markdown tables of recorded.json (our own script).

usage: make_tables.py recorded.json [default|sweep|all]
"""
import json, sys
d = json.load(open(sys.argv[1]))
kind = sys.argv[2] if len(sys.argv) > 2 else 'all'
d['runs'] = [r for r in d['runs'] if kind == 'all' or r['kind'] == kind]

def g(v, f='{:.4g}'):
    return '-' if v is None else f.format(v)

print('| run | cell | ADC bits | par. rows | subarray | other | area mm^2 | clk ns | latency us (pipeline cycle, or sum of layers) | dyn. energy uJ | leakage uJ | TOPS | TOPS/W | TOPS/mm^2 | runtime s |')
print('|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
for r in d['runs']:
    c = r['config']; ch = r['chip']; p = r['performance']
    other = []
    if c.get('SARADC'): other.append('SAR ADC')
    if c.get('numColMuxed', 8) != 8: other.append('mux %d' % c['numColMuxed'])
    if c.get('pipeline') is False: other.append('layer-by-layer')
    if c.get('currentMode') is False: other.append('VSA')
    print('| %s | %s | %d | %d | %dx%d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
        r['name'], c['memcelltype'], c['adc_bits'], c['numRowParallel'], c['numRowSubArray'], c['numColSubArray'], ', '.join(other) or '',
        g(r['area']['chip_mm2'], '{:.2f}'), g(ch['clock_period_ns'], '{:.3f}'), g(ch['read_latency_ns']/1e3, '{:.1f}'),
        g(ch['read_dynamic_energy_pJ']/1e6, '{:.2f}'), g(ch['leakage_energy_pJ']/1e6, '{:.3f}'),
        g(p['tops'], '{:.2f}'), g(p['tops_per_w'], '{:.2f}'), g(p['tops_per_mm2'], '{:.4f}'), g(r['wall_seconds'], '{:.0f}')))
tv = [r for r in d['runs'] if 'manual_table_vii_row' in r]
if tv:
    print()
    print('Against the V1.4 manual, Table VII (trained VGG8, CIFAR-10; listed as "ADC 4" but the C++ used levelOutput=32):')
    print()
    print('| run | area mm^2 here / manual | TOPS here / manual | TOPS/W here / manual |')
    print('|---|---:|---:|---:|')
    for r in tv:
        m = r['manual_table_vii_row']
        print('| %s | %.2f / %.2f | %.2f / %.2f | %.2f / %.2f |' % (r['name'], r['area']['chip_mm2'], m['area_mm2'], r['performance']['tops'], m['tops'], r['performance']['tops_per_w'], m['tops_per_w']))
print()
print('Area breakdown (mm^2; "unattributed" = ChipArea minus the five printed categories):')
print()
print('| run | chip | CIM array | ADC | accumulation | other periph. (incl. buffers) | IC | unattributed |')
print('|---|---:|---:|---:|---:|---:|---:|---:|')
for r in d['runs']:
    a = r['area']
    print('| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |' % (r['name'], a['chip_um2']/1e6, a['cim_array_um2']/1e6, a['adc_um2']/1e6, a['accum_um2']/1e6, a['other_um2']/1e6, a['ic_um2']/1e6, a['unattributed_um2']/1e6))
print()
print('Dynamic energy breakdown per image (uJ) and latency breakdown (us; per-category maxima over layers, so they do not add up to the cycle):')
print()
print('| run | E ADC | E accum | E other | (of which buffer) | (of which IC) | E total | t ADC | t accum | t other | t buffer | t IC |')
print('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
for r in d['runs']:
    c = r['chip']
    print('| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.2f | %.2f | %.2f | %.2f | %.2f |' % (r['name'], c['adc_energy_pJ']/1e6, c['accum_energy_pJ']/1e6, c['other_energy_pJ']/1e6, c['buffer_energy_pJ']/1e6, c['ic_energy_pJ']/1e6, c['read_dynamic_energy_pJ']/1e6,
          c['adc_latency_ns']/1e3, c['accum_latency_ns']/1e3, c['other_latency_ns']/1e3, c['buffer_latency_ns']/1e3, c['ic_latency_ns']/1e3))
