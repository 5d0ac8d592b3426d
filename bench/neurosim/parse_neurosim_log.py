#!/usr/bin/env python3
"""Parse the stdout of a DNN_NeuroSim_V1.4 inference run (NeuroSIM/main) into a dict.

Our own script: it only reads the numbers NeuroSim prints. Units are put into the key names.
"""
import re, sys, json

NUM = r'([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)'

def _f(pat, text, cast=float):
    m = re.search(pat, text)
    return cast(m.group(1)) if m else None

def _breakdown(block):
    return {
        'adc_latency_ns': _f(r'ADC \(or S/As and precharger for SRAM\) readLatency is : ' + NUM + 'ns', block),
        'accum_latency_ns': _f(r'Accumulation Circuits \(subarray level: adders, shiftAdds; PE/Tile/Global level: accumulation units\) readLatency is : ' + NUM + 'ns', block),
        'other_latency_ns': _f(r'Other Peripheries \(e\.g\. decoders, mux, switchmatrix, buffers, IC, pooling and activation units\) readLatency is : ' + NUM + 'ns', block),
        'adc_energy_pJ': _f(r'ADC \(or S/As and precharger for SRAM\) readDynamicEnergy is : ' + NUM + 'pJ', block),
        'accum_energy_pJ': _f(r'Accumulation Circuits \(subarray level: adders, shiftAdds; PE/Tile/Global level: accumulation units\) readDynamicEnergy is : ' + NUM + 'pJ', block),
        'other_energy_pJ': _f(r'Other Peripheries \(e\.g\. decoders, mux, switchmatrix, buffers, IC, pooling and activation units\) readDynamicEnergy is : ' + NUM + 'pJ', block),
    }

def parse(text):
    r = {}
    fp = {}
    fp['cm_tile_storage'] = _f(r'Desired Conventional Mapped Tile Storage Size: (\d+)x', text, int)
    fp['cm_pe_storage'] = _f(r'Desired Conventional PE Storage Size: (\d+)x', text, int)
    m = re.search(r'Desired Novel Mapped Tile Storage Size: (\d+)x(\d+)x(\d+)', text)
    if m:
        fp['nm_pes_per_tile'] = int(m.group(1)); fp['nm_pe_storage'] = int(m.group(2))
    m = re.search(r'User-defined SubArray Size: (\d+)x(\d+)', text)
    if m:
        fp['subarray_rows'] = int(m.group(1)); fp['subarray_cols'] = int(m.group(2))
    def per_layer(header):
        i = text.find(header)
        if i < 0:
            return None
        seg = text[i:].split('\n\n')[0]
        return [float(v) for v in re.findall(r'layer\d+: ' + NUM, seg)]
    fp['tiles_per_layer'] = per_layer('# of tile used for each layer')
    fp['speedup_per_layer'] = per_layer('Speed-up of each layer')
    fp['utilization_per_layer'] = per_layer('Utilization of each layer')
    fp['memory_utilization_percent'] = _f(r'Memory Utilization of Whole Chip: ' + NUM, text)
    fp['speedup_auto_capped'] = 'auto-assigned as the upper bound' in text
    r['floorplan'] = fp

    r['clk_period_ns'] = _f(r'clkPeriod: ' + NUM, text)
    if r['clk_period_ns'] is not None:
        r['clk_period_ns'] *= 1e9

    layers = []
    for m in re.finditer(r'-------------------- Estimation of Layer (\d+) ----------------------', text):
        n = int(m.group(1))
        start = m.end()
        nxt = text.find('-------------------- Estimation of Layer', start)
        end = nxt if nxt >= 0 else text.find('Summary', start)
        blk = text[start:end]
        L = {'layer': n,
             'read_latency_ns': _f(r"readLatency is: " + NUM + 'ns', blk),
             'read_dynamic_energy_pJ': _f(r"readDynamicEnergy is: " + NUM + 'pJ', blk),
             'leakage_power_uW': _f(r"leakagePower is: " + NUM + 'uW', blk),
             'leakage_energy_pJ': _f(r"leakageEnergy is: " + NUM + 'pJ', blk),
             'buffer_latency_ns': _f(r"buffer latency is: " + NUM + 'ns', blk),
             'buffer_energy_pJ': _f(r"buffer readDynamicEnergy is: " + NUM + 'pJ', blk),
             'ic_latency_ns': _f(r"ic latency is: " + NUM + 'ns', blk),
             'ic_energy_pJ': _f(r"ic readDynamicEnergy is: " + NUM + 'pJ', blk)}
        L.update(_breakdown(blk))
        layers.append(L)
    r['layers'] = layers

    s = text[text.find('------------------------------ Summary'):]
    area = {
        'chip_um2': _f(r'ChipArea : ' + NUM + 'um\^2', s),
        'cim_array_um2': _f(r'Chip total CIM array : ' + NUM + 'um\^2', s),
        'ic_um2': _f(r'Total IC Area on chip \(Global and Tile/PE local\): ' + NUM + 'um\^2', s),
        'adc_um2': _f(r'Total ADC \(or S/As and precharger for SRAM\) Area on chip : ' + NUM + 'um\^2', s),
        'accum_um2': _f(r'Total Accumulation Circuits \(subarray level: adders, shiftAdds; PE/Tile/Global level: accumulation units\) on chip : ' + NUM + 'um\^2', s),
        'other_um2': _f(r'Other Peripheries \(e\.g\. decoders, mux, switchmatrix, buffers, pooling and activation units\) : ' + NUM + 'um\^2', s),
    }
    if area['chip_um2'] is not None:
        area['chip_mm2'] = area['chip_um2'] * 1e-6
        parts = sum(v for k, v in area.items() if k in ('cim_array_um2', 'ic_um2', 'adc_um2', 'accum_um2', 'other_um2') and v is not None)
        area['unattributed_um2'] = area['chip_um2'] - parts   # layout slack NeuroSim counts in ChipArea but in no category
    r['area'] = area

    chip = {
        'clock_period_ns': _f(r'Chip clock period is: ' + NUM + 'ns', s),
        'read_latency_ns': _f(r'Chip (?:pipeline-system-clock-cycle|layer-by-layer readLatency) \(per image\) is: ' + NUM + 'ns', s),
        'read_dynamic_energy_pJ': _f(r'Chip (?:pipeline-system|total) readDynamicEnergy(?: \(per image\))? is: ' + NUM + 'pJ', s),
        'leakage_energy_pJ': _f(r'Chip (?:pipeline-system|total) leakage Energy(?: \(per image\))? is: ' + NUM + 'pJ', s),
        'leakage_power_uW': _f(r'Chip (?:pipeline-system|total) leakage Power(?: \(per image\))? is: ' + NUM + 'uW', s),
        'buffer_latency_ns': _f(r'Chip (?:pipeline-system )?buffer readLatency(?: \(per image\))? is: ' + NUM + 'ns', s),
        'buffer_energy_pJ': _f(r'Chip (?:pipeline-system )?buffer readDynamicEnergy(?: \(per image\))? is: ' + NUM + 'pJ', s),
        'ic_latency_ns': _f(r'Chip (?:pipeline-system )?ic readLatency(?: \(per image\))? is: ' + NUM + 'ns', s),
        'ic_energy_pJ': _f(r'Chip (?:pipeline-system )?ic readDynamicEnergy(?: \(per image\))? is: ' + NUM + 'pJ', s),
    }
    chip.update(_breakdown(s))
    r['chip'] = chip
    r['performance'] = {
        'tops_per_w': _f(r'Energy Efficiency TOPS/W \([^)]*\): ' + NUM, s),
        'tops': _f(r'Throughput TOPS \([^)]*\): ' + NUM, s),
        'fps': _f(r'Throughput FPS \([^)]*\): ' + NUM, s),
        'tops_per_mm2': _f(r'Compute efficiency TOPS/mm\^2 \([^)]*\): ' + NUM, s),
    }
    r['neurosim_runtime_s'] = _f(r'Total Run-time of NeuroSim: ' + NUM + ' seconds', text)
    r['wall_seconds'] = _f(r'wall_seconds ' + NUM, text)
    return r

if __name__ == '__main__':
    print(json.dumps(parse(open(sys.argv[1]).read()), indent=1))
