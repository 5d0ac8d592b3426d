#!/usr/bin/env python3
"""Build bench/neurosim/recorded.json from the NeuroSim V1.4 run logs (our own script).

usage: make_recorded_json.py LOGDIR OUT.json
"""
import json, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from parse_neurosim_log import parse

# Param.cpp values common to every run (V1.4 defaults unless stated), as the C++ part saw them.
COMMON = {
    'network': 'VGG8 (CIFAR-10 shapes, NetWork_VGG8.csv)',
    'technode_nm': 22, 'deviceroadmap': 'LSTP (2)', 'transistortype': 'conventional (1)', 'vdd_V': 0.85,
    'featuresize_m (=wireWidth, used for wires/dummy cols)': 40e-9, 'temp_K': 300,
    'operationmode': 'conventionalParallel (2)', 'accesstype': 'CMOS_access / 1T1R (1)',
    'cellBit': 1, 'synapseBit': 8, 'numBitInput': 8, 'numColPerSynapse': 8,
    'numColMuxed': 8, 'SARADC': False, 'currentMode (CSA-based flash ADC)': True,
    'resistanceOn_ohm': 100e3, 'resistanceOff_ohm': 1.7e6, 'readVoltage_V': 0.55, 'readPulseWidth_s': 10e-9,
    'accessVoltage_V': 1.1, 'writeVoltage_V': 2.0,
    'clkFreq_Hz_upper_bound': 1e9, 'synchronous': True,
    'pipeline': True, 'speedUpDegree (requested; capped per layer by NeuroSim)': 8, 'novelMapping': True,
    'globalBusType': 'XY bus (false)', 'globalBufferType': 'register file (false)', 'tileBufferType': 'register file (false)', 'peBufferType': 'register file (false)',
    'globalBufferCoreSize': '128x128', 'tileBufferCoreSize': '32x32', 'maxGlobalBusWidth': 2048,
    'chipActivation': True, 'reLu': True, 'validated (calibration factors alpha..zeta)': True,
    'beta (sensing latency factor)': 1.4, 'gamma (DFF activity)': 0.5, 'delta (adder activity)': 0.15, 'zeta (post-layout energy factor in TOPS/W)': 1.22,
    'inputtoggle': 0.18, 'outputtoggle': 0.5, 'sync_data_transfer': 0,
    'SRAM cell (memcelltype=1)': '6T, 10F x 28F, widthAccessCMOS=1, on/off not used by C++',
    'RRAM cell (memcelltype=2)': '1T1R, 4F x 12F',
    'globalBusDelayTolerance': 0.1, 'localBusDelayTolerance': 0.1, 'treeFoldedRatio': 4,
    'weight_mapping': 'offset binary: code = round(128*(w+1)) in [0,255], 8 x 1-bit columns per weight (MSB..LSB), no differential/dummy weight column in the C++ estimate',
    'macs_per_image (as NeuroSim counts ops: input H x W, i.e. same-padding output size)': 615917568,
    'ops_per_image (= 2 x MACs, numComputation in main.cpp)': 1231835136,
    'macs_per_image_actually_costed (valid-convolution positions (H-K+1)(W-K+1), see MODEL_NOTES 0)': 445029888,
    'input_encoding': "8-bit two's complement of x*128 (x in [-1,1)), bit-serial MSB(sign)..LSB, one read cycle per bit plane; ReLU outputs have sign bit 0",
}

# name -> parameters changed for that run (everything else = COMMON)
RUNS = [
    ('D1_RRAM_adc4_pr32', 'default', dict(memcelltype='RRAM', levelOutput=16, adc_bits=4, numRowSubArray=128, numColSubArray=128, numRowParallel=32)),
    ('D2_RRAM_adc4_pr64', 'default', dict(memcelltype='RRAM', levelOutput=16, adc_bits=4, numRowSubArray=128, numColSubArray=128, numRowParallel=64)),
    ('D3_RRAM_adc5_pr64', 'default', dict(memcelltype='RRAM', levelOutput=32, adc_bits=5, numRowSubArray=128, numColSubArray=128, numRowParallel=64)),
    ('D4_SRAM_adc4_pr32', 'default', dict(memcelltype='SRAM', levelOutput=16, adc_bits=4, numRowSubArray=128, numColSubArray=128, numRowParallel=32)),
    ('D5_SRAM_adc4_pr64', 'default', dict(memcelltype='SRAM', levelOutput=16, adc_bits=4, numRowSubArray=128, numColSubArray=128, numRowParallel=64)),
    ('D6_SRAM_adc5_pr64', 'default', dict(memcelltype='SRAM', levelOutput=32, adc_bits=5, numRowSubArray=128, numColSubArray=128, numRowParallel=64)),
    ('D7_RRAM_adc5_pr32', 'default', dict(memcelltype='RRAM', levelOutput=32, adc_bits=5, numRowSubArray=128, numColSubArray=128, numRowParallel=32)),
    ('D8_SRAM_adc5_pr32', 'default', dict(memcelltype='SRAM', levelOutput=32, adc_bits=5, numRowSubArray=128, numColSubArray=128, numRowParallel=32)),
    ('S01_RRAM_adc3_pr64', 'sweep', dict(memcelltype='RRAM', levelOutput=8, adc_bits=3, numRowSubArray=128, numColSubArray=128, numRowParallel=64)),
    ('S02_RRAM_adc6_pr64', 'sweep', dict(memcelltype='RRAM', levelOutput=64, adc_bits=6, numRowSubArray=128, numColSubArray=128, numRowParallel=64)),
    ('S03_RRAM_adc8_pr128', 'sweep', dict(memcelltype='RRAM', levelOutput=256, adc_bits=8, numRowSubArray=128, numColSubArray=128, numRowParallel=128)),
    ('S04_RRAM_adc5_pr16', 'sweep', dict(memcelltype='RRAM', levelOutput=32, adc_bits=5, numRowSubArray=128, numColSubArray=128, numRowParallel=16)),
    ('S05_RRAM_adc5_pr128', 'sweep', dict(memcelltype='RRAM', levelOutput=32, adc_bits=5, numRowSubArray=128, numColSubArray=128, numRowParallel=128)),
    ('S06_RRAM_sub64_adc5_pr32', 'sweep', dict(memcelltype='RRAM', levelOutput=32, adc_bits=5, numRowSubArray=64, numColSubArray=64, numRowParallel=32)),
    ('S07_RRAM_sub256_adc5_pr64', 'sweep', dict(memcelltype='RRAM', levelOutput=32, adc_bits=5, numRowSubArray=256, numColSubArray=256, numRowParallel=64)),
    ('S08_SRAM_adc3_pr64', 'sweep', dict(memcelltype='SRAM', levelOutput=8, adc_bits=3, numRowSubArray=128, numColSubArray=128, numRowParallel=64)),
    ('S09_SRAM_adc6_pr64', 'sweep', dict(memcelltype='SRAM', levelOutput=64, adc_bits=6, numRowSubArray=128, numColSubArray=128, numRowParallel=64)),
    ('S10_SRAM_adc8_pr128', 'sweep', dict(memcelltype='SRAM', levelOutput=256, adc_bits=8, numRowSubArray=128, numColSubArray=128, numRowParallel=128)),
    ('S11_SRAM_sub64_adc5_pr32', 'sweep', dict(memcelltype='SRAM', levelOutput=32, adc_bits=5, numRowSubArray=64, numColSubArray=64, numRowParallel=32)),
    ('S12_SRAM_sub256_adc5_pr64', 'sweep', dict(memcelltype='SRAM', levelOutput=32, adc_bits=5, numRowSubArray=256, numColSubArray=256, numRowParallel=64)),
    ('S13_RRAM_sar5_pr64', 'sweep', dict(memcelltype='RRAM', levelOutput=32, adc_bits=5, SARADC=True, numRowSubArray=128, numColSubArray=128, numRowParallel=64)),
    ('S14_SRAM_sar5_pr64', 'sweep', dict(memcelltype='SRAM', levelOutput=32, adc_bits=5, SARADC=True, numRowSubArray=128, numColSubArray=128, numRowParallel=64)),
    ('S15_RRAM_adc5_pr64_mux16', 'sweep', dict(memcelltype='RRAM', levelOutput=32, adc_bits=5, numColMuxed=16, numRowSubArray=128, numColSubArray=128, numRowParallel=64)),
    ('S16_RRAM_adc5_pr64_mux4', 'sweep', dict(memcelltype='RRAM', levelOutput=32, adc_bits=5, numColMuxed=4, numRowSubArray=128, numColSubArray=128, numRowParallel=64)),
    ('S17_RRAM_adc5_pr64_layerbylayer', 'sweep', dict(memcelltype='RRAM', levelOutput=32, adc_bits=5, pipeline=False, numRowSubArray=128, numColSubArray=128, numRowParallel=64)),
    ('S18_SRAM_adc5_pr64_layerbylayer', 'sweep', dict(memcelltype='SRAM', levelOutput=32, adc_bits=5, pipeline=False, numRowSubArray=128, numColSubArray=128, numRowParallel=64)),
    ('S19_RRAM_adc5_pr64_vsa', 'sweep', dict(memcelltype='RRAM', levelOutput=32, adc_bits=5, currentMode=False, numRowSubArray=128, numColSubArray=128, numRowParallel=64)),
]

# Rows of Table VII ("Hardware Estimation Examples", V1.4 manual, generated 9/27/23) that these runs reproduce.
# The table lists ADC precision 4 (the Python accuracy setting), but area and TOPS match the C++ run with the
# Param.cpp default levelOutput=32 (5-bit); TOPS/W differs because it depends on the data (trained net + CIFAR there).
TABLE_VII = {
    'D7_RRAM_adc5_pr32': dict(memory='RRAM', tech_nm=22, adc_precision_listed=4, parallel_read=32, accuracy='71%', area_mm2=381.90, tops=6.25, tops_per_w=11.25, tops_per_mm2=0.01),
    'D3_RRAM_adc5_pr64': dict(memory='RRAM', tech_nm=22, adc_precision_listed=4, parallel_read=64, accuracy='43%', area_mm2=378.06, tops=8.16, tops_per_w=19.88, tops_per_mm2=0.02),
    'D8_SRAM_adc5_pr32': dict(memory='SRAM', tech_nm=22, adc_precision_listed=4, parallel_read=32, accuracy='77%', area_mm2=85.97, tops=6.06, tops_per_w=8.76, tops_per_mm2=0.07),
    'D6_SRAM_adc5_pr64': dict(memory='SRAM', tech_nm=22, adc_precision_listed=4, parallel_read=64, accuracy='59%', area_mm2=84.39, tops=8.01, tops_per_w=17.13, tops_per_mm2=0.09),
}

def main(logdir, out):
    runs = []
    for name, kind, cfg in RUNS:
        p = os.path.join(logdir, name + '.log')
        if not os.path.exists(p):
            continue
        r = parse(open(p).read())
        if r['performance']['tops'] is None:
            continue   # unfinished run
        c = dict(cfg)
        c.setdefault('numColMuxed', COMMON['numColMuxed'])   # every run states these two explicitly
        c.setdefault('SARADC', COMMON['SARADC'])
        c.setdefault('pipeline', COMMON['pipeline'])
        c['numAdd (row groups = numRowSubArray/numRowParallel)'] = cfg['numRowSubArray'] // cfg['numRowParallel']
        entry = {'name': name, 'kind': kind, 'config': c}
        if name in TABLE_VII:
            entry['manual_table_vii_row'] = TABLE_VII[name]
        entry.update(r)
        runs.append(entry)
    doc = {
        'source': 'DNN_NeuroSim_V1.4 (github neurosim/DNN_NeuroSim_V1.4, commit ac828e6723bf077c9b1423c5c72ff6e4981e90f4), C++ part only, run outside this repo; see README.md',
        'units': 'latency ns, energy pJ (per image), power uW, area um^2 (chip also mm^2); tops = 1e12 ops/s with ops = 2*MACs; tops_per_w includes leakage and divides by zeta=1.22',
        'chip_read_latency_meaning': 'pipeline=true (all runs but S17, S18): chip read_latency_ns = system clock cycle = max over layers of the layer latency (one image per cycle), not the single-image end-to-end latency; pipeline=false (S17, S18): sum of the layer latencies, no weight duplication, and tops is then the layer-by-layer throughput',
        'data': 'one synthetic 3x32x32 image, uniform [0,1) pixels (torch.Generator seed 0) normalised to [-1,1) as the CIFAR-10 loader does; weights = WAGE random init of the wrapper (uniform in +-(1-2^-7), torch.manual_seed(117)), 8-bit quantised; activations from an ideal 8-bit WAGE forward pass (--inference 0). See trace_stats.json.',
        'common_config': COMMON,
        'runs': runs,
    }
    json.dump(doc, open(out, 'w'), indent=1)
    print('wrote', out, len(runs), 'runs')

if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
